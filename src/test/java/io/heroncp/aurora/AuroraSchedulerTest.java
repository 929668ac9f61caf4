package io.heroncp.aurora;

import static io.heroncp.aurora.AuroraFixtures.TOPOLOGY_ID;
import static io.heroncp.aurora.AuroraFixtures.ZK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.cluster.ClusterProperties.Scheduler.Protocol;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.JobRendering;
import io.heroncp.topology.JobStatus;
import io.heroncp.topology.SchedulerProbe;
import io.heroncp.topology.TopologyKey;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AuroraSchedulerTest {

  private static final TopologyKey KEY =
      new TopologyKey("devcluster", "alice", "devel", "WordCount");
  private static final JobKey JOB = new JobKey("alice", "devel", "WordCount");

  private TestAuroraServer server;
  private AuroraScheduler scheduler;

  @BeforeEach
  void start() throws Exception {
    server = new TestAuroraServer();
    scheduler = scheduler(Duration.ofSeconds(5));
  }

  private AuroraScheduler scheduler(Duration readTimeout) {
    ClusterProperties.Scheduler settings =
        new ClusterProperties.Scheduler(
            server.baseUrl(),
            null,
            "/aurora/scheduler",
            null,
            null,
            Protocol.BINARY,
            Duration.ofSeconds(2),
            readTimeout);
    return AuroraScheduler.forCluster(
        "devcluster", AuroraFixtures.cluster(settings), null, null, ZK);
  }

  @AfterEach
  void stop() {
    scheduler.close();
    server.close();
  }

  @Test
  void createJobSendsTheFactoryJob() {
    scheduler.createJob(AuroraFixtures.request("devel"));

    assertThat(server.handler.created.getKey()).isEqualTo(JOB);
    assertThat(server.handler.created.getInstanceCount()).isEqualTo(3);
    assertThat(server.handler.created.getTaskConfig().getExecutorConfig().getData())
        .contains("--state-manager-connection=" + ZK);
    assertThat(scheduler.cluster()).isEqualTo("devcluster");
  }

  @Test
  void createJobOverThriftJsonCarriesTheWholeJob() {
    scheduler.close();
    ClusterProperties.Scheduler settings =
        new ClusterProperties.Scheduler(
            server.baseUrl(),
            null,
            "/aurora/scheduler",
            null,
            null,
            Protocol.JSON,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));
    scheduler =
        AuroraScheduler.forCluster("devcluster", AuroraFixtures.cluster(settings), null, null, ZK);

    scheduler.createJob(AuroraFixtures.request("prod"));

    assertThat(server.exchanges)
        .singleElement()
        .satisfies(
            e -> assertThat(e.contentType()).isEqualTo("application/vnd.apache.thrift.json"));
    assertThat(server.handler.created).isEqualTo(scheduler.job(AuroraFixtures.request("prod")));
  }

  @Test
  void createJobRetriedWithTheSameTopologyIdSucceeds() {
    scheduler.createJob(AuroraFixtures.request("devel"));

    scheduler.createJob(AuroraFixtures.request("devel"));

    assertThat(server.handler.calls)
        .containsExactly("createJob", "createJob", "getTasksWithoutConfigs");
  }

  @Test
  void createJobWaitsForAJobOfTheSameNameThatAuroraIsStillKilling() throws Exception {
    // The same .defn submitted again right after its kill: same topology id, tasks still KILLING.
    for (int instance = 0; instance < 3; instance++) {
      server.handler.addTask(JOB, instance, ScheduleStatus.KILLING, 1000, TOPOLOGY_ID);
    }
    java.util.concurrent.CompletableFuture<Void> created =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> scheduler.createJob(AuroraFixtures.request("devel")));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> java.util.Collections.frequency(server.handler.calls, "createJob") >= 2);
    assertThat(created).isNotDone();

    synchronized (server.handler) {
      server.handler.tasks.forEach(task -> task.setStatus(ScheduleStatus.KILLED));
    }

    created.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(server.handler.tasks)
        .filteredOn(task -> task.getStatus() == ScheduleStatus.PENDING)
        .hasSize(3);
  }

  @Test
  void createJobOverAJobThatStaysKillingAnswersBusyWithRetryAfter() {
    server.handler.addTask(JOB, 0, ScheduleStatus.KILLING, 1000, TOPOLOGY_ID);
    ClusterProperties.Scheduler settings =
        new ClusterProperties.Scheduler(
            server.baseUrl(),
            null,
            "/aurora/scheduler",
            null,
            null,
            Protocol.BINARY,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));
    AuroraScheduler impatient =
        new AuroraScheduler(
            "devcluster",
            AuroraFixtures.cluster(settings),
            ZK,
            new AuroraThriftClient(
                new StaticSchedulerLocator(server.baseUrl()),
                AuroraClientSettings.of("devcluster", settings)),
            new AuroraJobFactory(),
            AuroraUpdatePolicy.DEFAULT,
            Duration.ofMillis(300));

    assertThatThrownBy(() -> impatient.createJob(AuroraFixtures.request("devel")))
        .isInstanceOfSatisfying(
            io.heroncp.problems.BusyException.class,
            busy -> {
              assertThat(busy.retryAfterSeconds()).isEqualTo(10);
              assertThat(busy.getMessage())
                  .isEqualTo(
                      "Aurora is still killing job devcluster/alice/devel/WordCount of an"
                          + " earlier topology of this name (1 tasks KILLING after 300 ms); submit again once it is gone");
            });
    assertThat(server.handler.tasks)
        .singleElement()
        .extracting(ScheduledTask::getStatus)
        .isEqualTo(ScheduleStatus.KILLING);
  }

  @Test
  void createJobOverAnotherTopologyIsAConflict() {
    server.handler.addTask(JOB, 0, ScheduleStatus.RUNNING, 1000, "WordCount-other-id");

    assertThatThrownBy(() -> scheduler.createJob(AuroraFixtures.request("devel")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void createJobRejectedByAuroraIsAnInvalidFieldWithAuroraMessage() {
    server.handler.script(
        "createJob",
        TestAuroraServer.error(
            ResponseCode.INVALID_REQUEST,
            "Task ID is too long, please shorten your role or job name"));

    assertThatThrownBy(() -> scheduler.createJob(AuroraFixtures.request("devel")))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("Task ID is too long, please shorten your role or job name");
  }

  @Test
  void createJobRefusedForQuotaIsAnOperatorMatterNotABadRequest() {
    server.handler.script(
        "createJob",
        TestAuroraServer.error(
            ResponseCode.INVALID_REQUEST,
            "Insufficient resource quota: CPU quota exceeded by 3.0"));

    assertThatThrownBy(() -> scheduler.createJob(AuroraFixtures.request("devel")))
        .isInstanceOf(io.heroncp.problems.QuotaExceededException.class)
        .hasMessageContaining("Insufficient resource quota: CPU quota exceeded by 3.0")
        .hasMessageContaining("the Aurora operator must raise role alice's quota");
  }

  @Test
  void timedOutCreateThatReachedAuroraIsRecognisedByItsTopologyId() {
    scheduler.close();
    scheduler = scheduler(Duration.ofMillis(500));
    server.handler.holdCreateReply = new CountDownLatch(1);

    scheduler.createJob(AuroraFixtures.request("devel"));

    assertThat(server.handler.calls).containsExactly("createJob", "getTasksWithoutConfigs");
    assertThat(server.handler.tasks)
        .hasSize(3)
        .allSatisfy(t -> assertThat(JobKeys.topologyIdOf(t)).isEqualTo(TOPOLOGY_ID));
  }

  @Test
  void killJobKillsExactlyTheActiveInstances() {
    server.handler.addTask(JOB, 0, ScheduleStatus.RUNNING, 1000, TOPOLOGY_ID);
    server.handler.addTask(JOB, 1, ScheduleStatus.PENDING, 1000, TOPOLOGY_ID);
    server.handler.addTask(JOB, 2, ScheduleStatus.FINISHED, 1000, TOPOLOGY_ID);

    scheduler.killJob(KEY);

    assertThat(server.handler.killedInstances).containsExactlyInAnyOrder(0, 1);
    assertThat(server.handler.lastQuery.getStatuses())
        .contains(ScheduleStatus.RUNNING, ScheduleStatus.PENDING)
        .doesNotContain(ScheduleStatus.FINISHED);
  }

  @Test
  void killJobWithoutActiveTasksSendsNoKill() {
    server.handler.addTask(JOB, 0, ScheduleStatus.KILLED, 1000, TOPOLOGY_ID);

    scheduler.killJob(KEY);

    assertThat(server.handler.calls).containsExactly("getTasksWithoutConfigs");
  }

  @Test
  void killJobDuringAnUpdateIsAConflict() {
    server.handler.addTask(JOB, 0, ScheduleStatus.RUNNING, 1000, TOPOLOGY_ID);
    server.handler.script(
        "killTasks", TestAuroraServer.error(ResponseCode.JOB_UPDATING_ERROR, "Job is updating"));

    assertThatThrownBy(() -> scheduler.killJob(KEY)).isInstanceOf(ConflictException.class);
  }

  @Test
  void statusCountsTheNewestTaskOfEachInstance() {
    server.handler.addTask(JOB, 0, ScheduleStatus.FAILED, 1000, TOPOLOGY_ID);
    server.handler.addTask(JOB, 0, ScheduleStatus.RUNNING, 2000, TOPOLOGY_ID);
    server.handler.addTask(JOB, 1, ScheduleStatus.RUNNING, 1500, TOPOLOGY_ID);
    server.handler.addTask(JOB, 2, ScheduleStatus.PENDING, 1500, TOPOLOGY_ID);

    JobStatus status = scheduler.status(KEY);

    assertThat(status.exists()).isTrue();
    assertThat(status.tasksByStatus())
        .containsOnly(java.util.Map.entry("RUNNING", 2), java.util.Map.entry("PENDING", 1));
  }

  @Test
  void
      statusOfOneTopologyLeavesOutTheTasksOfAnEarlierOneOfTheSameNameAndOfInstancesBeyondItsCount() {
    // The earlier WordCount ran 5 instances and was killed; the new one runs 3 under the same job
    // key.
    for (int instance = 0; instance < 5; instance++) {
      server.handler.addTask(JOB, instance, ScheduleStatus.KILLED, 1000, "WordCount-earlier");
    }
    server
        .handler
        .addTask(JOB, 4, ScheduleStatus.FAILED, 1100, "WordCount-earlier")
        .getTaskEvents()
        .get(0)
        .setMessage("the earlier one failed");
    for (int instance = 0; instance < 3; instance++) {
      server.handler.addTask(JOB, instance, ScheduleStatus.RUNNING, 2000, TOPOLOGY_ID);
    }

    JobStatus mine = scheduler.status(KEY, TOPOLOGY_ID, 5);
    JobStatus firstThree = scheduler.status(KEY, null, 3);
    JobStatus all = scheduler.status(KEY);

    assertThat(mine.tasksByStatus()).containsOnly(java.util.Map.entry("RUNNING", 3));
    assertThat(mine.lastFailure()).isNull();
    assertThat(firstThree.tasksByStatus()).containsOnly(java.util.Map.entry("RUNNING", 3));
    assertThat(firstThree.lastFailure()).isNull();
    assertThat(all.tasksByStatus())
        .containsOnly(
            java.util.Map.entry("RUNNING", 3),
            java.util.Map.entry("KILLED", 1),
            java.util.Map.entry("FAILED", 1));
    assertThat(all.lastFailure())
        .isEqualTo(
            new JobStatus.TaskFailure(
                4,
                all.lastFailure().taskId(),
                "FAILED",
                "the earlier one failed",
                java.time.Instant.ofEpochMilli(1100)));
  }

  @Test
  void statusOfAKilledJobDoesNotExist() {
    server.handler.addTask(JOB, 0, ScheduleStatus.KILLED, 1000, TOPOLOGY_ID);

    JobStatus status = scheduler.status(KEY);

    assertThat(status.exists()).isFalse();
    assertThat(status.count("KILLED")).isEqualTo(1);
  }

  @Test
  void probeReportsReachableScheduler() {
    SchedulerProbe probe = scheduler.probe();

    assertThat(probe.reachable()).isTrue();
    assertThat(probe.endpoint()).isEqualTo(server.baseUrl().toString());
    assertThat(probe.discovery()).isEqualTo("static " + server.baseUrl());
  }

  @Test
  void probeOfASchedulerWithoutLeaderDoesNotThrow() {
    server.forcedStatus = 503;

    SchedulerProbe probe = scheduler.probe();

    assertThat(probe.reachable()).isFalse();
    assertThat(probe.detail()).contains("503");
  }

  @Test
  void renderShowsTheJobWithIdlFieldNamesAndSendsNothing() {
    JobRendering rendering = scheduler.render(AuroraFixtures.request("devel"));

    JsonNode json = JsonMapper.builder().build().readTree(rendering.json());
    assertThat(json.path("key").path("name").asString()).isEqualTo("WordCount");
    assertThat(json.path("instanceCount").asInt()).isEqualTo(3);
    assertThat(json.path("taskConfig").path("isService").isBoolean()).isTrue();
    assertThat(json.path("taskConfig").path("isService").booleanValue()).isTrue();
    assertThat(json.path("cronCollisionPolicy").asString()).isEqualTo("KILL_EXISTING");
    assertThat(json.has("cronSchedule")).isFalse();
    assertThat(json.path("taskConfig").path("resources").toString())
        .contains("{\"numCpus\":3.0}", "{\"ramMb\":2560}", "{\"namedPort\":\"yourkit\"}");
    assertThat(json.path("taskConfig").path("container").path("mesos").isObject()).isTrue();
    assertThat(
            json.path("taskConfig")
                .path("executorConfig")
                .path("data")
                .path("task")
                .path("name")
                .asString())
        .isEqualTo("setup_and_run");
    assertThat(rendering.table())
        .anySatisfy(line -> assertThat(line).contains("devcluster/alice/devel/WordCount"));
    assertThat(server.exchanges).isEmpty();
  }
}
