package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A crash between "intent recorded" and "scheduler called" (the {@link
 * io.heroncp.support.CrashPoints} seam throws an Error there, as a dying replica would stop): the
 * operation stays RUNNING and the topology in its in-progress state, until the leader's reconciler
 * finishes or rolls it back by comparing with Aurora and Heron.
 */
class CrashRecoveryTest extends ServiceTest {

  private final CuratorFramework zk = SharedZooKeeper.client();

  private HttpResponse<String> submit(String name) {
    Multipart form =
        Multipart.submit("local", "crash", "devel", name, HeronDefinitions.SINGLE_SPOUT);
    return post("/api/v1/topologies", form);
  }

  private JsonNode lastOperation(String name) {
    return json(get("/api/v1/topologies/local/crash/devel/" + name + "/history"))
        .get("operations")
        .get(0);
  }

  @Test
  void aSubmitInterruptedBeforeAuroraIsRolledBack() throws Exception {
    assertThat(submit("CrashSubmit").statusCode()).isGreaterThanOrEqualTo(500);
    assertThat(zk.checkExists().forPath("/heron/topologies/CrashSubmit")).isNotNull();
    assertThat(lastOperation("CrashSubmit").get("outcome").asString()).isEqualTo("RUNNING");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lastOperation("CrashSubmit").get("outcome").asString().equals("ROLLED_BACK"));
    assertThat(zk.checkExists().forPath("/heron/topologies/CrashSubmit")).isNull();
    assertThat(zk.checkExists().forPath("/heron/executionstate/CrashSubmit")).isNull();
    assertThat(get("/api/v1/topologies/local/crash/devel/CrashSubmit").statusCode()).isEqualTo(404);
  }

  @Test
  void aRestartInterruptedBeforeAuroraIsEndedAndTheStateRestored() {
    assertThat(submit("CrashRestart").statusCode()).isEqualTo(201);
    String path = "/api/v1/topologies/local/crash/devel/CrashRestart";

    assertThat(
            send(java.net.http.HttpRequest.newBuilder(uri(path + "/restart"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build())
                .statusCode())
        .isGreaterThanOrEqualTo(500);
    assertThat(json(get(path)).get("state").asString()).isEqualTo("RESTARTING");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> json(get(path)).get("state").asString().equals("RUNNING"));
    JsonNode restart = lastOperation("CrashRestart");
    assertThat(restart.get("verb").asString()).isEqualTo("RESTART");
    assertThat(restart.get("outcome").asString()).isEqualTo("FAILED");
    assertThat(restart.at("/error/detail").asString()).contains("Interrupted");
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void aKillInterruptedBeforeAuroraIsFinished() throws Exception {
    assertThat(submit("CrashKill").statusCode()).isEqualTo(201);
    String path = "/api/v1/topologies/local/crash/devel/CrashKill";

    assertThat(delete(path).statusCode()).isGreaterThanOrEqualTo(500);
    assertThat(json(get(path)).get("state").asString()).isEqualTo("KILLING");

    await().atMost(Duration.ofSeconds(30)).until(() -> get(path).statusCode() == 404);
    assertThat(zk.checkExists().forPath("/heron/topologies/CrashKill")).isNull();
    assertThat(lastOperation("CrashKill").get("outcome").asString()).isEqualTo("SUCCEEDED");
  }
}
