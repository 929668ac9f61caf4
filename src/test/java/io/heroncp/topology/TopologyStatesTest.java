package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * States that mean what they say, through real HTTP, a real ZooKeeper and the simulator: a submit
 * answers STARTING and the topology turns RUNNING only when its tasks run and its topology manager
 * announced itself; restarts and repacks settle the same way; conditions carry reasons and
 * transition times in order; verbs sent too early wait instead of failing, and past the wait answer
 * 503 recording nothing.
 */
class TopologyStatesTest extends ServiceTest {

  @Autowired CuratorFramework zk;

  private HttpResponse<String> verb(String path, String form, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return send(builder.build());
  }

  private static JsonNode condition(JsonNode topology, String type) {
    for (JsonNode c : topology.get("conditions")) {
      if (c.get("type").asString().equals(type)) {
        return c;
      }
    }
    throw new AssertionError("no condition " + type + " in " + topology);
  }

  /** The status of a condition, or null before it is observed. */
  private static String status(JsonNode topology, String type) {
    for (JsonNode c : topology.get("conditions")) {
      if (c.get("type").asString().equals(type)) {
        return c.get("status").asString();
      }
    }
    return null;
  }

  private static Instant at(JsonNode node, String member) {
    return Instant.parse(node.get(member).asString());
  }

  private List<String> history(String path) {
    List<String> entries = new ArrayList<>();
    json(get(path + "/history"))
        .get("operations")
        .forEach(op -> entries.add(op.get("verb").asString() + " " + op.get("outcome").asString()));
    return entries;
  }

  private boolean tmanagerAnnounced(String name) {
    try {
      return zk.checkExists().forPath("/heron/tmanagers/" + name) != null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aSubmitStartsAndTurnsRunningOnlyOnceTasksRunAndTheTopologyManagerIsUp() {
    String path = "/api/v1/topologies/local/states/devel/States1";
    Instant before = Instant.now();
    HttpResponse<String> submitted =
        post(
            "/api/v1/topologies",
            SubmitAndKillTest.submitForm("States1", HeronDefinitions.WORD_COUNT, "states"));

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(json(submitted).get("state").asString()).isEqualTo("STARTING");
    assertThat(json(submitted).get("settles_to").asString()).isEqualTo("RUNNING");
    // Every GET while it starts: never RUNNING without every task running and the manager up.
    JsonNode running = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (running == null && System.nanoTime() < deadline) {
      JsonNode seen = json(get(path));
      if (seen.get("state").asString().equals("RUNNING")) {
        running = seen;
      } else {
        assertThat(seen.get("state").asString()).isEqualTo("STARTING");
      }
    }
    assertThat(running).as("RUNNING within 20 s").isNotNull();
    assertThat(running.at("/aurora/tasks/RUNNING").asInt()).isEqualTo(3);
    assertThat(tmanagerAnnounced("States1")).isTrue();
    assertThat(running.has("settles_to")).isFalse();
    for (String type : List.of("AuroraTasksRunning", "TopologyManagerReady", "Healthy")) {
      JsonNode c = condition(running, type);
      assertThat(c.get("status").asString()).as(type).isEqualTo("True");
      assertThat(at(c, "last_transition_time")).isAfter(before);
      assertThat(at(c, "last_transition_time")).isBeforeOrEqualTo(at(running, "updated_at"));
    }
    assertThat(condition(running, "AuroraTasksRunning").get("reason").asString())
        .isEqualTo("AllTasksRunning");
    assertThat(condition(running, "TopologyManagerReady").get("reason").asString())
        .isEqualTo("Announced");
    assertThat(at(running, "updated_at")).isAfter(at(json(submitted), "updated_at"));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void deactivateSentRightAfterSubmitWaitsAndSucceedsWithoutARolledBackEntry() {
    String path = "/api/v1/topologies/local/states/devel/States2";
    assertThat(
            post(
                    "/api/v1/topologies",
                    SubmitAndKillTest.submitForm(
                        "States2", HeronDefinitions.SINGLE_SPOUT, "states"))
                .statusCode())
        .isEqualTo(201);

    HttpResponse<String> deactivated = verb(path + "/deactivate", "");

    assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);
    assertThat(json(deactivated).get("state").asString()).isEqualTo("PAUSED");
    assertThat(history(path)).containsExactly("DEACTIVATE SUCCEEDED", "SUBMIT SUCCEEDED");
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void statesAndConditionsThroughDeactivateRestartsAndUpdateComeInOrder() {
    String path = "/api/v1/topologies/local/states/devel/States3";
    post(
        "/api/v1/topologies",
        SubmitAndKillTest.submitForm("States3", HeronDefinitions.WORD_COUNT, "states"));
    JsonNode running = awaitState(path, "RUNNING");

    JsonNode paused = json(verb(path + "/deactivate", ""));
    assertThat(paused.get("state").asString()).isEqualTo("PAUSED");
    assertThat(at(paused, "updated_at")).isAfter(at(running, "updated_at"));

    // Container 0 runs the topology manager: its location goes, and comes back with the task.
    JsonNode restartingZero = json(verb(path + "/restart", "container_id=0"));
    assertThat(restartingZero.get("state").asString()).isEqualTo("RESTARTING");
    assertThat(restartingZero.get("settles_to").asString()).isEqualTo("PAUSED");
    assertThat(at(restartingZero, "updated_at")).isAfter(at(paused, "updated_at"));
    JsonNode pausedAgain = awaitState(path, "PAUSED");
    assertThat(at(pausedAgain, "updated_at")).isAfter(at(restartingZero, "updated_at"));
    JsonNode manager = condition(pausedAgain, "TopologyManagerReady");
    assertThat(manager.get("status").asString()).isEqualTo("True");
    assertThat(at(manager, "last_transition_time")).isAfter(at(restartingZero, "updated_at"));
    assertThat(tmanagerAnnounced("States3")).isTrue();

    // Restart of all, then an update sent at once: it waits until the topology is ready again.
    JsonNode restartingAll = json(verb(path + "/restart", "container_id=-1"));
    assertThat(restartingAll.get("state").asString()).isEqualTo("RESTARTING");
    HttpResponse<String> updated = verb(path + "/update", "component_parallelism=split:3");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    JsonNode updating = json(updated);
    assertThat(updating.get("state").asString()).isEqualTo("UPDATING");
    assertThat(updating.get("settles_to").asString()).isEqualTo("PAUSED");
    assertThat(at(updating, "updated_at")).isAfter(at(restartingAll, "updated_at"));
    JsonNode settled = awaitState(path, "PAUSED");
    assertThat(at(settled, "updated_at")).isAfter(at(updating, "updated_at"));
    assertThat(settled.at("/aurora/tasks/RUNNING").asInt())
        .isEqualTo(settled.at("/aurora/instances").asInt());

    JsonNode activated = json(verb(path + "/activate", ""));
    assertThat(activated.get("state").asString()).isEqualTo("RUNNING");
    assertThat(history(path))
        .containsExactly(
            "ACTIVATE SUCCEEDED",
            "UPDATE SUCCEEDED",
            "RESTART SUCCEEDED",
            "RESTART SUCCEEDED",
            "DEACTIVATE SUCCEEDED",
            "SUBMIT SUCCEEDED");
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void
      aTopologyWhoseTasksKeepFailingStaysStartingTurnsUnhealthyAndAVerbPastTheWaitRecordsNothing() {
    String path = "/api/v1/topologies/nocore/alice/devel/States4";
    Multipart form =
        Multipart.submit("nocore", "alice", null, "States4", HeronDefinitions.SINGLE_SPOUT);
    HttpResponse<String> submitted = post("/api/v1/topologies", form);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    Instant submittedAt = at(json(submitted), "updated_at");

    // Its agents cannot fetch the core package: tasks fail and are throttled, for longer than
    // heroncp.status.degraded-after (1 s here).
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> "False".equals(status(json(get(path)), "Healthy")));
    JsonNode unhealthy = json(get(path));
    assertThat(unhealthy.get("state").asString()).isEqualTo("STARTING");
    assertThat(condition(unhealthy, "Healthy").get("reason").asString()).isEqualTo("TasksFailing");
    assertThat(condition(unhealthy, "Healthy").get("message").asString())
        .contains("no-such-core.tar.gz");
    JsonNode tasks = condition(unhealthy, "AuroraTasksRunning");
    assertThat(tasks.get("status").asString()).isEqualTo("False");
    assertThat(tasks.get("reason").asString()).isEqualTo("TasksNotRunning");
    assertThat(at(tasks, "last_transition_time")).isAfterOrEqualTo(submittedAt);
    assertThat(at(condition(unhealthy, "Healthy"), "last_transition_time"))
        .isAfterOrEqualTo(at(tasks, "last_transition_time"));

    long started = System.nanoTime();
    HttpResponse<String> refused = verb(path + "/deactivate", "");
    Duration waited = Duration.ofNanos(System.nanoTime() - started);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(json(refused).get("type").asString()).endsWith(":not-ready");
    assertThat(json(refused).get("detail").asString())
        .contains("still STARTING")
        .contains("AuroraTasksRunning=False");
    assertThat(history(path)).containsExactly("SUBMIT SUCCEEDED");
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void anAsyncVerbSentRightAfterSubmitAnswersAcceptedAtOnceAndActsWhenReady() {
    String path = "/api/v1/topologies/local/states/devel/States5";
    post(
        "/api/v1/topologies",
        SubmitAndKillTest.submitForm("States5", HeronDefinitions.SINGLE_SPOUT, "states"));

    HttpResponse<String> accepted = verb(path + "/deactivate", "", "Prefer", "respond-async");

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String operation = json(accepted).get("id").asString();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                json(get("/api/v1/operations/" + operation))
                    .get("outcome")
                    .asString()
                    .equals("SUCCEEDED"));
    assertThat(json(get(path)).get("state").asString()).isEqualTo("PAUSED");
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }
}
