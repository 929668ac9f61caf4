package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronTopologyState;
import io.heroncp.heron.proto.PackingPlans;
import io.heroncp.simulator.AuroraSimulator;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Every runtime verb end to end: HTTP in, the Aurora simulator, the local topology-manager stand-in
 * and ZooKeeper checked.
 */
class LifecycleVerbsTest extends ServiceTest {

  private final CuratorFramework zk = SharedZooKeeper.client();

  @Autowired AuroraSimulator simulator;

  private String submitRunning(String name, Class<?> main, boolean paused) {
    Multipart form =
        new Multipart()
            .field("name", name)
            .field("cluster", "local")
            .field("role", "verbs")
            .field("environment", "devel")
            .file(
                "definition",
                name + ".defn",
                paused
                    ? HeronDefinitions.pausedDefinition(main, name)
                    : HeronDefinitions.definition(main, name))
            .file("topology", "topology.jar", HeronDefinitions.topologyJar(main));
    HttpResponse<String> submitted = post("/api/v1/topologies", form);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(json(submitted).get("state").asString()).isEqualTo("STARTING");
    String path = "/api/v1/topologies/local/verbs/devel/" + name;
    // RUNNING (PAUSED) once every task runs and the topology manager (local stand-in) announced
    // itself.
    awaitState(path, paused ? "PAUSED" : "RUNNING");
    try {
      assertThat(zk.checkExists().forPath("/heron/tmanagers/" + name)).isNotNull();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return path;
  }

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

  private HeronTopologyState runtimeState(String name) throws Exception {
    return HeronStateCodec.decodePhysicalPlanState(zk.getData().forPath("/heron/pplans/" + name));
  }

  private int activeInstances(String name) throws Exception {
    return simulator
        .getTasksWithoutConfigs(
            new TaskQuery()
                .setJobKeys(Set.of(new JobKey("verbs", "devel", name)))
                .setStatuses(
                    Set.of(
                        ScheduleStatus.PENDING,
                        ScheduleStatus.ASSIGNED,
                        ScheduleStatus.STARTING,
                        ScheduleStatus.RUNNING)))
        .getResult()
        .getScheduleStatusResult()
        .getTasks()
        .size();
  }

  @Test
  void everyVerbWorksEndToEndAndHistoryOutlivesTheKill() throws Exception {
    String path = submitRunning("Verbs1", HeronDefinitions.WORD_COUNT, false);

    HttpResponse<String> deactivated = verb(path + "/deactivate", "");
    assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);
    assertThat(json(deactivated).get("state").asString()).isEqualTo("PAUSED");
    assertThat(json(deactivated).get("message").asString()).isEqualTo("Verbs1 deactivated");
    assertThat(runtimeState("Verbs1")).isEqualTo(HeronTopologyState.PAUSED);

    HttpResponse<String> activated = verb(path + "/activate", "");
    assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
    assertThat(json(activated).get("state").asString()).isEqualTo("RUNNING");
    assertThat(runtimeState("Verbs1")).isEqualTo(HeronTopologyState.RUNNING);

    HttpResponse<String> restartedOne = verb(path + "/restart", "container_id=1");
    assertThat(restartedOne.statusCode()).as(restartedOne.body()).isEqualTo(200);
    assertThat(json(restartedOne).get("state").asString()).isEqualTo("RESTARTING");
    assertThat(json(restartedOne).get("settles_to").asString()).isEqualTo("RUNNING");
    HttpResponse<String> restartedAll = verb(path + "/restart", "container_id=-1");
    assertThat(restartedAll.statusCode()).as(restartedAll.body()).isEqualTo(200);
    assertThat(json(restartedAll).get("state").asString()).isEqualTo("RESTARTING");

    // Sent at once: the update waits until every task runs again and the topology manager is up.
    byte[] planBefore = zk.getData().forPath("/heron/packingplans/Verbs1");
    HttpResponse<String> parallelism = verb(path + "/update", "component_parallelism=split:4");
    assertThat(parallelism.statusCode()).as(parallelism.body()).isEqualTo(200);
    JsonNode afterParallelism = json(parallelism);
    assertThat(afterParallelism.get("state").asString()).isEqualTo("UPDATING");
    assertThat(afterParallelism.get("settles_to").asString()).isEqualTo("RUNNING");
    assertThat(afterParallelism.get("components"))
        .anySatisfy(
            c -> {
              assertThat(c.get("name").asString()).isEqualTo("split");
              assertThat(c.get("parallelism").asInt()).isEqualTo(4);
            });
    PackingPlans.PackingPlan planAfter =
        PackingPlans.PackingPlan.parseFrom(zk.getData().forPath("/heron/packingplans/Verbs1"));
    assertThat(zk.getData().forPath("/heron/packingplans/Verbs1")).isNotEqualTo(planBefore);
    assertThat(
            planAfter.getContainerPlansList().stream()
                .mapToLong(
                    c ->
                        c.getInstancePlansList().stream()
                            .filter(i -> i.getComponentName().equals("split"))
                            .count())
                .sum())
        .isEqualTo(4);
    assertThat(runtimeState("Verbs1")).isEqualTo(HeronTopologyState.RUNNING);

    int containersBefore = afterParallelism.at("/packing_plan/containers").asInt();
    HttpResponse<String> containers =
        verb(path + "/update", "container_number=" + (containersBefore + 1));
    assertThat(containers.statusCode()).as(containers.body()).isEqualTo(200);
    assertThat(json(containers).at("/packing_plan/containers").asInt())
        .isEqualTo(containersBefore + 1);
    assertThat(json(containers).at("/aurora/instances").asInt()).isEqualTo(containersBefore + 2);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> activeInstances("Verbs1") == containersBefore + 2);
    assertThat(
            PackingPlans.PackingPlan.parseFrom(zk.getData().forPath("/heron/packingplans/Verbs1"))
                .getContainerPlansCount())
        .isEqualTo(containersBefore + 1);

    HttpResponse<String> runtime = verb(path + "/update", "runtime_config=split:my.key:42");
    assertThat(runtime.statusCode()).as(runtime.body()).isEqualTo(200);

    assertThat(delete(path).statusCode()).isEqualTo(200);

    HttpResponse<String> history = get(path + "/history");
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    List<String> verbs = new ArrayList<>();
    json(history).get("operations").forEach(op -> verbs.add(op.get("verb").asString()));
    assertThat(verbs)
        .containsExactly(
            "KILL",
            "UPDATE",
            "UPDATE",
            "UPDATE",
            "RESTART",
            "RESTART",
            "ACTIVATE",
            "DEACTIVATE",
            "SUBMIT");
    json(history)
        .get("operations")
        .forEach(op -> assertThat(op.get("outcome").asString()).isEqualTo("SUCCEEDED"));
    String firstId = json(history).get("operations").get(0).get("id").asString();
    assertThat(json(get("/api/v1/operations/" + firstId)).get("verb").asString()).isEqualTo("KILL");
  }

  @Test
  void verbsNotAllowedInTheCurrentStateAnswerConflictNamingTheState() {
    String path = submitRunning("Verbs2", HeronDefinitions.SINGLE_SPOUT, false);

    HttpResponse<String> activate = verb(path + "/activate", "");
    assertThat(activate.statusCode()).isEqualTo(409);
    assertThat(json(activate).get("detail").asString()).contains("RUNNING");
    assertThat(json(activate).get("field").asString()).isEqualTo("state");

    assertThat(verb(path + "/deactivate", "").statusCode()).isEqualTo(200);
    HttpResponse<String> again = verb(path + "/deactivate", "");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(again).get("detail").asString()).contains("PAUSED");

    assertThat(verb(path + "/restart", "container_id=7").statusCode()).isEqualTo(422);
    assertThat(verb(path + "/restart", "container_id=x").statusCode()).isEqualTo(422);
    HttpResponse<String> mixed =
        verb(path + "/update", "component_parallelism=sentence:2&runtime_config=a:b");
    assertThat(mixed.statusCode()).isEqualTo(422);
    assertThat(json(mixed).get("field").asString()).isEqualTo("runtime_config");
    assertThat(verb(path + "/update", "").statusCode()).isEqualTo(422);
    assertThat(verb(path + "/update", "component_parallelism=nosuch:2").statusCode())
        .isEqualTo(422);
    assertThat(verb("/api/v1/topologies/local/verbs/devel/Nothing/activate", "").statusCode())
        .isEqualTo(404);
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void aTopologySubmittedDeactivatedStartsPausedAndActivates() throws Exception {
    String path = submitRunning("Verbs3", HeronDefinitions.SINGLE_SPOUT, true);
    assertThat(json(get(path)).get("state").asString()).isEqualTo("PAUSED");
    assertThat(runtimeState("Verbs3")).isEqualTo(HeronTopologyState.PAUSED);

    assertThat(verb(path + "/activate", "").statusCode()).isEqualTo(200);
    assertThat(runtimeState("Verbs3")).isEqualTo(HeronTopologyState.RUNNING);
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyAnswersTheFirstOutcomeWithoutActingTwice() {
    String path = submitRunning("Verbs4", HeronDefinitions.SINGLE_SPOUT, false);

    HttpResponse<String> first =
        verb(path + "/restart", "container_id=1", "Idempotency-Key", "restart-once");
    HttpResponse<String> second =
        verb(path + "/restart", "container_id=1", "Idempotency-Key", "restart-once");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(json(second).at("/operation/id").asString())
        .isEqualTo(json(first).at("/operation/id").asString());
    List<String> verbs = new ArrayList<>();
    json(get(path + "/history"))
        .get("operations")
        .forEach(op -> verbs.add(op.get("verb").asString()));
    assertThat(verbs).containsExactly("RESTART", "SUBMIT");

    // A failed first attempt is replayed as the same failure.
    HttpResponse<String> failed = verb(path + "/activate", "", "Idempotency-Key", "bad-activate");
    HttpResponse<String> failedAgain =
        verb(path + "/activate", "", "Idempotency-Key", "bad-activate");
    assertThat(failed.statusCode()).isEqualTo(409);
    assertThat(failedAgain.statusCode()).isEqualTo(409);
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void ifMatchWithAStaleETagIsRejected() {
    String path = submitRunning("Verbs5", HeronDefinitions.SINGLE_SPOUT, false);
    String etag = get(path).headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> stale = verb(path + "/deactivate", "", "If-Match", "\"999\"");
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(json(get(path)).get("state").asString()).isEqualTo("RUNNING");

    HttpResponse<String> current = verb(path + "/deactivate", "", "If-Match", etag);
    assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
    assertThat(current.headers().firstValue("ETag"))
        .isPresent()
        .hasValueSatisfying(t -> assertThat(t).isNotEqualTo(etag));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutATopologyManagerADeactivateWaitsThenAnswersNotReadyAndRecordsNothing()
      throws Exception {
    String path = submitRunning("Verbs6", HeronDefinitions.SINGLE_SPOUT, false);
    zk.delete().forPath("/heron/tmanagers/Verbs6");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> json(get(path)).get("conditions").toString().contains("\"NotAnnounced\""));

    HttpResponse<String> response = verb(path + "/deactivate", "");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(response).get("type").asString()).endsWith(":not-ready");
    assertThat(json(response).get("detail").asString())
        .contains("TopologyManagerReady=False")
        .contains("Nothing was recorded");
    assertThat(json(get(path)).get("state").asString()).isEqualTo("RUNNING");
    assertThat(json(get(path + "/history")).get("operations")).hasSize(1);
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void anAuroraUpdateAlreadyInProgressIsAConflict() throws Exception {
    String path = submitRunning("Verbs7", HeronDefinitions.SINGLE_SPOUT, false);
    TaskConfig config =
        simulator
            .getTasksStatus(
                new TaskQuery().setJobKeys(Set.of(new JobKey("verbs", "devel", "Verbs7"))))
            .getResult()
            .getScheduleStatusResult()
            .getTasks()
            .get(0)
            .getAssignedTask()
            .getTask()
            .deepCopy();
    config.setPriority(1);
    var started =
        simulator.startJobUpdate(
            new JobUpdateRequest()
                .setTaskConfig(config)
                .setInstanceCount(2)
                .setSettings(
                    new JobUpdateSettings()
                        .setUpdateGroupSize(1)
                        .setBlockIfNoPulsesAfterMs(600_000)
                        .setUpdateOnlyTheseInstances(new HashSet<>())),
            "held open by the test");
    assertThat(started.getResponseCode()).isEqualTo(ResponseCode.OK);

    HttpResponse<String> response =
        verb(path + "/update", "component_parallelism=sentence:3&container_number=1");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
    assertThat(json(response).get("detail").asString()).containsIgnoringCase("update");
    assertThat(json(get(path)).get("state").asString()).isEqualTo("RUNNING");
    simulator.abortJobUpdate(started.getResult().getStartJobUpdateResult().getKey(), "test done");
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void updateDryRunShowsBothPlansAndTheCallsAndChangesNothing() throws Exception {
    String path = submitRunning("Verbs8", HeronDefinitions.WORD_COUNT, false);
    byte[] plan = zk.getData().forPath("/heron/packingplans/Verbs8");

    HttpResponse<String> response =
        verb(path + "/update", "component_parallelism=split:4&container_number=3&dry_run=True");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode rendering = json(response).get("response");
    assertThat(rendering.get("current_packing_plan")).hasSize(2);
    assertThat(rendering.get("proposed_packing_plan")).hasSize(3);
    assertThat(rendering.get("calls").toString()).contains("deactivate").contains("activate");
    assertThat(zk.getData().forPath("/heron/packingplans/Verbs8")).isEqualTo(plan);
    assertThat(json(get(path + "/history")).get("operations")).hasSize(1);
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void preferRespondAsyncAnswersAcceptedWithTheOperationToFollow() {
    String path = submitRunning("Verbs9", HeronDefinitions.SINGLE_SPOUT, false);

    HttpResponse<String> accepted = verb(path + "/restart", "", "Prefer", "respond-async");

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String location = accepted.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/api/v1/operations/");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> json(get(location)).get("outcome").asString().equals("SUCCEEDED"));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void twoConcurrentDeactivationsChangeTheTopologyOnce() throws Exception {
    String path = submitRunning("Verbs10", HeronDefinitions.SINGLE_SPOUT, false);
    CyclicBarrier barrier = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        results.add(
            pool.submit(
                () -> {
                  barrier.await();
                  return verb(path + "/deactivate", "").statusCode();
                }));
      }
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> result : results) {
        codes.add(result.get());
      }
      assertThat(codes).containsExactlyInAnyOrder(200, 409);
    } finally {
      pool.shutdownNow();
    }
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void aTopologyWhoseAuroraJobVanishedIsMarkedFailedAndCanStillBeKilled() {
    String path = submitRunning("Verbs11", HeronDefinitions.SINGLE_SPOUT, false);

    simulator.killTasks(
        new JobKey("verbs", "devel", "Verbs11"), null, "lost outside the control plane");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> json(get(path)).get("state").asString().equals("FAILED"));
    assertThat(verb(path + "/activate", "").statusCode()).isEqualTo(409);
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }
}
