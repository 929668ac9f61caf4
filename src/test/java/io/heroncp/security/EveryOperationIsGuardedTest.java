package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.SecuredServiceTest;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Walks every operation openapi.yaml declares, so no endpoint can be forgotten: without credentials
 * each is 401 with {@code WWW-Authenticate: Bearer} and problem+json, and each mutation is 403 for
 * a token of another role. The package downloads take no credentials but a signed URL: without a
 * valid {@code sig} each is 403, with or without a token (SignedPackageUrlTest fetches with one).
 */
class EveryOperationIsGuardedTest extends SecuredServiceTest {

  private static final Set<String> METHODS =
      Set.of("get", "post", "delete", "put", "patch", "head");
  private static final Set<String> MUTATIONS = Set.of("post", "delete", "put", "patch");

  record Call(String method, String path, String operationId) {}

  private static List<Call> operations() throws Exception {
    return operations(false);
  }

  @SuppressWarnings("unchecked")
  private static List<Call> operations(boolean packages) throws Exception {
    Map<String, Object> spec;
    try (InputStream in =
        Files.newInputStream(Path.of(System.getProperty("basedir", "."), "openapi.yaml"))) {
      spec = new Yaml().load(in);
    }
    List<Call> calls = new ArrayList<>();
    ((Map<String, Map<String, Object>>) spec.get("paths"))
        .forEach(
            (path, item) ->
                item.forEach(
                    (method, op) -> {
                      if (METHODS.contains(method)
                          && path.startsWith("/api/v1/packages/") == packages) {
                        String filled =
                            path.replace("{cluster}", "local")
                                .replace("{role}", "guarded")
                                .replace("{environment}", "devel")
                                .replace("{name}", "Guarded1")
                                .replace("{id}", "no-such-operation")
                                .replace("{sha256}", "0".repeat(64))
                                .replace("{file}", "topology.tar.gz");
                        calls.add(
                            new Call(
                                method.toUpperCase(),
                                filled,
                                (String) ((Map<String, Object>) op).get("operationId")));
                      }
                    }));
    return calls;
  }

  private HttpResponse<String> call(Call call, String token) {
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    return send(request(call.path(), token).method(call.method(), body).build());
  }

  @Test
  void everyDocumentedOperationWantsCredentials() throws Exception {
    List<Call> calls = operations();
    assertThat(calls)
        .extracting(Call::operationId)
        .contains(
            "submitTopology",
            "killTopology",
            "listTopologies",
            "preflightCluster",
            "version",
            "getOperation");
    for (Call call : calls) {
      HttpResponse<String> response = call(call, null);
      assertThat(response.statusCode()).as(call + " " + response.body()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .as(call.toString())
          .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Bearer"));
      assertThat(response.headers().firstValue("Content-Type"))
          .as(call.toString())
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
      if (!call.method().equals("HEAD")) {
        assertThat(json(response).get("type").asString())
            .isEqualTo("urn:heron-controlplane:problem:unauthorized");
      }
    }
  }

  @Test
  void everyDocumentedMutationIsForbiddenToAnotherRole() throws Exception {
    List<Call> mutations =
        operations().stream()
            .filter(call -> MUTATIONS.contains(call.method().toLowerCase()))
            .toList();
    assertThat(mutations).hasSizeGreaterThanOrEqualTo(7);
    for (Call call : mutations) {
      HttpResponse<String> response =
          call.operationId().equals("submitTopology")
              ? post(call.path(), BOB, RoleGrantsTest.submitForm("Guarded1", "guarded"))
              : call(call, BOB);
      assertThat(response.statusCode()).as(call + " " + response.body()).isEqualTo(403);
      assertThat(json(response).get("type").asString())
          .isEqualTo("urn:heron-controlplane:problem:forbidden");
      assertThat(json(response).get("message").asString()).as(call.toString()).contains("bob");
    }
    assertThat(zooKeeper().checkExists().forPath("/heron/topologies/Guarded1")).isNull();
  }

  @Test
  void everyPackageOperationWantsASignatureNotCredentials() throws Exception {
    List<Call> downloads = operations(true);
    assertThat(downloads).extracting(Call::method).containsExactlyInAnyOrder("GET", "HEAD");
    for (Call call : downloads) {
      for (String token : new String[] {null, ADMIN}) {
        for (String query : new String[] {"", "?sig=" + "0".repeat(64)}) {
          HttpResponse<String> response =
              call(new Call(call.method(), call.path() + query, call.operationId()), token);
          assertThat(response.statusCode())
              .as(call + query + " token=" + (token != null))
              .isEqualTo(403);
          assertThat(response.headers().firstValue("Content-Type"))
              .as(call.toString())
              .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
      }
    }
  }
}
