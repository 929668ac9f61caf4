package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A cluster whose Heron core package its agents cannot fetch (ServiceTest's {@code nocore} cluster,
 * on the same simulator): Aurora accepts the job, every task fails in {@code fetch_heron_system}
 * and is rescheduled, and the topology's description says why; the preflight names the same URI
 * before anyone submits; kill still works.
 */
class UnfetchableCorePackageTest extends ServiceTest {

  private static final String PATH = "/api/v1/topologies/nocore/alice/devel/NoCore";

  @Test
  void tasksFailToFetchTheCoreAndTheDescriptionSaysWhy() {
    String core = "http://127.0.0.1:" + SIMULATOR_PORT + "/packages/no-such-core.tar.gz";
    JsonNode preflight =
        json(
            send(
                java.net.http.HttpRequest.newBuilder(uri("/api/v1/clusters/nocore/preflight"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build()));
    assertThat(preflight.get("ok").asBoolean()).isFalse();
    assertThat(preflight.get("checks"))
        .anySatisfy(
            check -> {
              assertThat(check.get("name").asString()).isEqualTo("core-package");
              assertThat(check.get("ok").asBoolean()).isFalse();
              assertThat(check.get("detail").asString())
                  .isEqualTo(
                      "HEAD "
                          + core
                          + " answered 404 and a ranged GET 404;"
                          + " check the URI and that the server lets this host download it");
            });

    Multipart form =
        Multipart.submit("nocore", "alice", null, "NoCore", HeronDefinitions.SINGLE_SPOUT);
    HttpResponse<String> submitted = post("/api/v1/topologies", form);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              JsonNode aurora = json(get(PATH)).get("aurora");
              assertThat(aurora.has("last_failure")).as(aurora.toString()).isTrue();
              assertThat(aurora.at("/tasks/RUNNING").isMissingNode()).isTrue();
            });
    JsonNode failure = json(get(PATH)).at("/aurora/last_failure");
    assertThat(failure.get("status").asString()).isEqualTo("FAILED");
    assertThat(failure.get("message").asString())
        .isEqualTo(
            "Process fetch_heron_system failed: tar zxf"
                + " heron-core.tar.gz: gzip: stdin: not in gzip format ("
                + core
                + " is not a .tar.gz) ("
                + core
                + " answered HTTP 404)");
    assertThat(failure.get("task_id").asString()).startsWith("alice-devel-NoCore-");
    assertThat(failure.get("time").asString()).isNotBlank();

    HttpResponse<String> killed = delete(PATH);
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    assertThat(get(PATH).statusCode()).isEqualTo(404);
  }
}
