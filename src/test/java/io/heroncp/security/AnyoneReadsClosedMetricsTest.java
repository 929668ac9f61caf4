package io.heroncp.security;

import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.support.Multipart;
import io.heroncp.support.SecuredServiceTest;
import io.heroncp.support.TestJwks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The secured service with the other settings: {@code read-access: anyone} (reads open, mutations
 * and preflight still guarded), {@code metrics-open: false} (Prometheus needs a token) and {@code
 * jwt.principal-claim: preferred_username}. One service of its own (ZooKeeper, simulator, ports),
 * started once for the class.
 */
class AnyoneReadsClosedMetricsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ALICE = "anyone-reads-alice-token-0123456789abcdef";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static TestingServer zooKeeper;
  private static ConfigurableApplicationContext service;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    Path data = Files.createTempDirectory("heroncp-anyone-reads");
    zooKeeper = new TestingServer(true);
    service =
        SpringApplication.run(
            HeronControlPlaneApplication.class,
            "--server.port=0",
            "--heroncp.security.enabled=true",
            "--heroncp.security.read-access=anyone",
            "--heroncp.security.metrics-open=false",
            "--heroncp.security.jwt.principal-claim=preferred_username",
            "--heroncp.security.package-url-secret=" + SecuredServiceTest.PACKAGE_SECRET,
            "--heroncp.security.tokens.alice.sha256=" + SecuredServiceTest.sha256(ALICE),
            "--heroncp.security.tokens.alice.principal=alice",
            "--heroncp.security.tokens.alice.roles[0]=alice",
            "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + TestJwks.get().jwkSetUri(),
            "--spring.security.oauth2.resourceserver.jwt.audiences[0]=" + TestJwks.AUDIENCE,
            "--heroncp.zookeeper.embedded.enabled=false",
            "--heroncp.zookeeper.connect-string=" + zooKeeper.getConnectString(),
            "--heroncp.clusters.local.scheduler.zookeeper=" + zooKeeper.getConnectString(),
            // Known up front: the local cluster's core-package-uri (checked by preflight) names it.
            "--heroncp.simulator.port=" + freePort(),
            "--heroncp.simulator.pending-delay=50ms",
            "--heroncp.simulator.assigned-delay=50ms",
            "--heroncp.simulator.starting-delay=50ms",
            "--heroncp.simulator.killing-delay=50ms",
            "--heroncp.packages.directory=" + data.resolve("packages"));
    base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  private static HttpResponse<String> send(String method, String path, String token, Multipart form)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (form != null) {
      request.header("Content-Type", form.contentType()).method(method, form.publisher());
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertUnauthorized(HttpResponse<String> response) {
    assertThat(response.statusCode())
        .as(response.request().method() + " " + response.request().uri() + ": " + response.body())
        .isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Bearer"));
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
  }

  @Test
  void prometheusNeedsATokenWhenMetricsAreClosed() throws Exception {
    assertUnauthorized(send("GET", "/actuator/prometheus", null, null));

    HttpResponse<String> scraped = send("GET", "/actuator/prometheus", ALICE, null);
    assertThat(scraped.statusCode()).as(scraped.body()).isEqualTo(200);
    assertThat(scraped.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(scraped.body()).contains("# TYPE jvm_");
  }

  @Test
  void anyoneReadsButEveryMutationStillNeedsCredentialsAndPreflightNeedsAdmin() throws Exception {
    HttpResponse<String> submitted =
        send("POST", "/api/v1/topologies", ALICE, RoleGrantsTest.submitForm("AnyReads1", "alice"));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String path = "/api/v1/topologies/local/alice/devel/AnyReads1";

    assertThat(send("GET", "/api/v1/topologies", null, null).body()).contains("AnyReads1");
    assertThat(send("GET", path, null, null).statusCode()).isEqualTo(200);
    HttpResponse<String> history = send("GET", path + "/history", null, null);
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    assertThat(JSON.readTree(history.body()).at("/operations/0/requester").asString())
        .isEqualTo("alice");
    assertThat(send("GET", "/api/v1/clusters", null, null).statusCode()).isEqualTo(200);

    assertUnauthorized(
        send("POST", "/api/v1/topologies", null, RoleGrantsTest.submitForm("AnyReads2", "alice")));
    for (String verb : List.of("activate", "deactivate", "restart", "update")) {
      assertUnauthorized(send("POST", path + "/" + verb, null, null));
    }
    assertUnauthorized(send("DELETE", path, null, null));
    assertUnauthorized(send("POST", "/api/v1/clusters/local/preflight", null, null));
    HttpResponse<String> preflight = send("POST", "/api/v1/clusters/local/preflight", ALICE, null);
    assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(403);
    assertThat(JSON.readTree(history.body()).at("/operations").size()).isEqualTo(1);
    assertThat(
            JSON.readTree(send("GET", path + "/history", null, null).body())
                .at("/operations")
                .size())
        .isEqualTo(1);
    assertThat(
            send("GET", "/api/v1/topologies/local/alice/devel/AnyReads2", null, null).statusCode())
        .isEqualTo(404);

    assertThat(send("DELETE", path, ALICE, null).statusCode()).isEqualTo(200);
  }

  @Test
  void aJwtWhoseSubIsAnEmailSubmitsUnderItsPreferredUsername() throws Exception {
    String jwt =
        TestJwks.get()
            .sign(
                "alice@example.com",
                claims ->
                    claims
                        .claim("preferred_username", "alice")
                        .claim("aurora_roles", List.of("alice")));

    HttpResponse<String> submitted =
        send("POST", "/api/v1/topologies", jwt, RoleGrantsTest.submitForm("AnyJwt1", "alice"));

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(JSON.readTree(submitted.body()).get("submitter").asString()).isEqualTo("alice");
    String path = "/api/v1/topologies/local/alice/devel/AnyJwt1";
    assertThat(
            JSON.readTree(send("GET", path + "/history", null, null).body())
                .at("/operations/0/requester")
                .asString())
        .isEqualTo("alice");
    assertThat(send("DELETE", path, jwt, null).statusCode()).isEqualTo(200);
  }
}
