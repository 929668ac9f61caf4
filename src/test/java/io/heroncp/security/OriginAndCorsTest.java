package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.SecuredServiceTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The secured service refuses other origins' browser requests, even with a valid token; CORS for
 * the listed one.
 */
class OriginAndCorsTest extends SecuredServiceTest {

  @Test
  void aPostFromAnotherOriginIsRefusedBeforeAnythingRuns() throws Exception {
    HttpResponse<String> refused =
        send(
            request("/api/v1/topologies", ADMIN)
                .header("Origin", "http://evil.example")
                .header(
                    "Content-Type", RoleGrantsTest.submitForm("SecEvil1", "alice").contentType())
                .POST(RoleGrantsTest.submitForm("SecEvil1", "alice").publisher())
                .build());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(json(refused).get("type").asString())
        .isEqualTo("urn:heron-controlplane:problem:forbidden");
    assertThat(json(refused).get("message").asString())
        .contains("http://evil.example", "allowed-origins");
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(zooKeeper().checkExists().forPath("/heron/topologies/SecEvil1")).isNull();
  }

  @Test
  void aCrossSiteFetchWithoutOriginIsRefused() {
    HttpResponse<String> refused =
        send(
            request("/api/v1/topologies", ALICE)
                .header("Sec-Fetch-Site", "cross-site")
                .GET()
                .build());

    assertThat(refused.statusCode()).isEqualTo(403);
  }

  @Test
  void theAllowedOriginGetsCorsHeadersAndItsPreflightPasses() {
    HttpResponse<String> allowed =
        send(request("/api/v1/topologies", ALICE).header("Origin", ALLOWED_ORIGIN).GET().build());
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue(ALLOWED_ORIGIN);

    HttpResponse<String> preflight =
        send(
            request("/api/v1/topologies/local/alice/devel/X/restart", null)
                .header("Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue(ALLOWED_ORIGIN);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValueSatisfying(methods -> assertThat(methods).contains("POST"));
  }
}
