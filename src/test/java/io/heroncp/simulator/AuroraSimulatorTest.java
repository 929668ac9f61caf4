package io.heroncp.simulator;

import static io.heroncp.simulator.SimulatorFixtures.job;
import static io.heroncp.simulator.SimulatorFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.ConfigGroup;
import io.heroncp.aurora.thrift.Constraint;
import io.heroncp.aurora.thrift.Container;
import io.heroncp.aurora.thrift.DockerContainer;
import io.heroncp.aurora.thrift.Identity;
import io.heroncp.aurora.thrift.InstanceKey;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobStats;
import io.heroncp.aurora.thrift.JobSummary;
import io.heroncp.aurora.thrift.JobUpdateAction;
import io.heroncp.aurora.thrift.JobUpdateDetails;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdatePulseStatus;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.JobUpdateStatus;
import io.heroncp.aurora.thrift.JobUpdateStrategy;
import io.heroncp.aurora.thrift.QueueJobUpdateStrategy;
import io.heroncp.aurora.thrift.Range;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ResponseDetail;
import io.heroncp.aurora.thrift.RoleSummary;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskConstraint;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.ValueConstraint;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Aurora's semantics through the simulator's real HTTP endpoint, with the generated TJSON client.
 */
class AuroraSimulatorTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private AuroraSimulator simulator;
  private SimulatorHttpServer server;
  private AuroraSchedulerManager.Client client;

  @BeforeEach
  void start() throws Exception {
    SimulatorProperties properties = SimulatorFixtures.properties();
    simulator = new AuroraSimulator(properties);
    server = new SimulatorHttpServer(simulator, properties);
    server.start();
    client = SimulatorFixtures.client(server.apiEndpoint());
  }

  @AfterEach
  void stop() {
    server.close();
    simulator.close();
  }

  @Test
  void createJobMovesEveryInstanceThroughPendingAssignedStartingRunning() throws Exception {
    Response created = client.createJob(job(key("hello"), 2));

    assertThat(created.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(created.isSetResult()).isFalse();
    assertThat(created.getServerInfo().getClusterName()).isEqualTo("test-cluster");
    List<ScheduledTask> running = awaitStatuses(key("hello"), ScheduleStatus.RUNNING, 2);
    for (ScheduledTask task : running) {
      assertThat(task.getTaskEvents())
          .extracting(TaskEvent::getStatus)
          .containsExactly(
              ScheduleStatus.PENDING,
              ScheduleStatus.ASSIGNED,
              ScheduleStatus.STARTING,
              ScheduleStatus.RUNNING);
      assertThat(task.getAssignedTask().getTaskId())
          .matches(
              "www-data-prod-hello-" + task.getAssignedTask().getInstanceId() + "-[0-9a-f-]{36}");
      assertThat(task.getAssignedTask().getSlaveHost()).isEqualTo("127.0.0.1");
      assertThat(task.getAssignedTask().getSlaveId()).isNotBlank();
      assertThat(task.getAssignedTask().getAssignedPorts()).containsOnlyKeys("http");
      assertThat(task.getAssignedTask().getTask().getExecutorConfig().isSetData()).isFalse();
    }
    assertThat(running)
        .extracting(task -> task.getAssignedTask().getInstanceId())
        .containsExactlyInAnyOrder(0, 1);
    assertThat(running.get(0).getAssignedTask().getAssignedPorts().get("http"))
        .isNotEqualTo(running.get(1).getAssignedTask().getAssignedPorts().get("http"));
    List<ScheduledTask> full =
        client
            .getTasksStatus(new TaskQuery().setJobKeys(Set.of(key("hello"))))
            .getResult()
            .getScheduleStatusResult()
            .getTasks();
    assertThat(full)
        .allSatisfy(
            task ->
                assertThat(task.getAssignedTask().getTask().getExecutorConfig().getData())
                    .isEqualTo("{\"name\":\"hello\"}"));
  }

  @Test
  void createJobRejectsDuplicateWithAuroraMessage() throws Exception {
    assertThat(client.createJob(job(key("hello"), 1)).getResponseCode()).isEqualTo(ResponseCode.OK);

    Response duplicate = client.createJob(job(key("hello"), 3));

    assertThat(duplicate.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(duplicate)).containsExactly("Job www-data/prod/hello already exists");
    assertThat(tasks(new TaskQuery().setJobKeys(Set.of(key("hello"))))).hasSize(1);
  }

  @Test
  void createJobAcceptsAJobAgainOnceAllItsTasksAreTerminal() throws Exception {
    client.createJob(job(key("hello"), 1));
    client.killTasks(key("hello"), null, "bye");
    awaitStatuses(key("hello"), ScheduleStatus.KILLED, 1);

    assertThat(client.createJob(job(key("hello"), 1)).getResponseCode()).isEqualTo(ResponseCode.OK);
  }

  static Stream<Arguments> invalidJobs() {
    return Stream.of(
        invalid(
            "no taskConfig",
            job -> job.unsetTaskConfig(),
            "Job configuration must have taskConfig set."),
        invalid(
            "zero instances", job -> job.setInstanceCount(0), "Instance count must be positive."),
        invalid(
            "role with a space",
            job -> job.getKey().setRole("www data"),
            "Job key JobKey(role:www data, environment:prod, name:hello) is invalid."),
        invalid(
            "name of 256 chars",
            job -> job.getKey().setName("n".repeat(256)),
            "Job key JobKey(role:www-data, environment:prod, name:"
                + "n".repeat(256)
                + ") is invalid."),
        invalid(
            "unset environment",
            job -> job.getKey().unsetEnvironment(),
            "Job key JobKey(role:www-data, environment:null, name:hello) is invalid."),
        invalid(
            "environment not allowed",
            job -> job.getKey().setEnvironment("qa"),
            "Job environment qa doesn't match: ^(prod|devel|test|staging\\d*)$"),
        invalid(
            "kerberos owner",
            job -> job.setOwner(new Identity("alice@REALM")),
            "Job user contains illegal characters: alice@REALM"),
        invalid(
            "unknown tier",
            job -> job.getTaskConfig().setTier("gold"),
            "Invalid tier 'gold' in TaskConfig."),
        invalid(
            "invalid task job key",
            job -> job.getTaskConfig().getJob().setName("a/b"),
            "Job key JobKey(role:www-data, environment:prod, name:a/b) is invalid."),
        invalid(
            "no executor",
            job -> job.getTaskConfig().unsetExecutorConfig(),
            "Configuration may not be null."),
        invalid(
            "executor without name",
            job -> job.getTaskConfig().getExecutorConfig().unsetName(),
            "Executor name may not be left unset."),
        invalid(
            "unknown executor",
            job -> job.getTaskConfig().getExecutorConfig().setName("Custom"),
            "Configuration for executor 'Custom' doesn't exist."),
        invalid(
            "two cpu values",
            job -> job.getTaskConfig().addToResources(Resource.numCpus(1.0)),
            "Multiple resource values are not supported for CPU"),
        invalid(
            "two disk and ram values",
            job -> {
              job.getTaskConfig().addToResources(Resource.diskMb(1));
              job.getTaskConfig().addToResources(Resource.ramMb(1));
            },
            "Multiple resource values are not supported for RAM, disk"),
        invalid(
            "dedicated to another role",
            job ->
                job.getTaskConfig()
                    .addToConstraints(
                        new Constraint(
                            "dedicated",
                            TaskConstraint.value(
                                new ValueConstraint(false, Set.of("analytics/hosts"))))),
            "Only analytics may use hosts dedicated for that role."),
        invalid(
            "docker container",
            job ->
                job.getTaskConfig().setContainer(Container.docker(new DockerContainer("busybox"))),
            "This scheduler is not configured to allow the container type DOCKER"),
        invalid(
            "zero cpu",
            job -> replaceResource(job, Resource.numCpus(0.5), Resource.numCpus(0.0)),
            "num_cpus must be greater than 0.0"),
        invalid(
            "no ram",
            job -> job.getTaskConfig().getResources().remove(Resource.ramMb(128)),
            "ram_mb must be greater than 0.0"),
        invalid(
            "negative disk",
            job -> replaceResource(job, Resource.diskMb(256), Resource.diskMb(-1)),
            "disk_mb must be greater than 0.0"),
        invalid(
            "empty cron schedule",
            job -> job.setCronSchedule(""),
            "Cron jobs may only be created/updated by calling scheduleCronJob."),
        invalid(
            "non-service cron",
            job -> {
              job.setCronSchedule("*/5 * * * *");
              job.getTaskConfig().setIsService(false);
            },
            "Cron jobs may only be created/updated by calling scheduleCronJob."),
        invalid(
            "too many instances",
            job -> job.setInstanceCount(4001),
            "Instance count must be between 1 and 4000 inclusive."));
  }

  private static Arguments invalid(
      String rule, Consumer<JobConfiguration> breakIt, String message) {
    return Arguments.of(rule, breakIt, message);
  }

  private static void replaceResource(JobConfiguration job, Resource old, Resource replacement) {
    replaceResource(job.getTaskConfig(), old, replacement);
  }

  private static void replaceResource(TaskConfig task, Resource old, Resource replacement) {
    task.getResources().remove(old);
    task.getResources().add(replacement);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidJobs")
  void createJobRejectsInvalidConfigurationWithAuroraMessage(
      String rule, Consumer<JobConfiguration> breakIt, String message) throws Exception {
    JobConfiguration job = job(key("hello"), 2);
    breakIt.accept(job);

    Response response = client.createJob(job);

    assertThat(response.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(response)).containsExactly(message);
    assertThat(response.getServerInfo().getClusterName()).isEqualTo("test-cluster");
    assertThat(tasks(new TaskQuery())).isEmpty();
  }

  @Test
  void createJobRejectsServiceOnCronScheduleBeforeTheCronCheck() throws Exception {
    JobConfiguration job = job(key("hello"), 1).setCronSchedule("*/5 * * * *");

    Response response = client.createJob(job);

    assertThat(response.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(response).get(0))
        .startsWith("A service task may not be run on a cron schedule: ");
  }

  @Test
  void createJobDefaultsTierToPreemptibleAndOverwritesProductionFromTier() throws Exception {
    JobConfiguration defaulted = job(key("defaulted"), 1);
    defaulted.getTaskConfig().unsetTier();
    defaulted.getTaskConfig().setProduction(true);
    JobConfiguration preferred = job(key("preferred"), 1);
    preferred.getTaskConfig().setProduction(false);

    client.createJob(defaulted);
    client.createJob(preferred);

    TaskConfig defaultedTask =
        tasks(new TaskQuery().setJobName("defaulted")).get(0).getAssignedTask().getTask();
    TaskConfig preferredTask =
        tasks(new TaskQuery().setJobName("preferred")).get(0).getAssignedTask().getTask();
    assertThat(defaultedTask.getTier()).isEqualTo("preemptible");
    assertThat(defaultedTask.isProduction()).isFalse();
    assertThat(preferredTask.getTier()).isEqualTo("preferred");
    assertThat(preferredTask.isProduction()).isTrue();
    assertThat(preferredTask.getTaskLinks()).containsEntry("http", "http://%host%:%port:http%");
  }

  @Test
  void killTasksMovesMatchingActiveTasksThroughKillingToKilled() throws Exception {
    client.createJob(job(key("hello"), 3));
    awaitStatuses(key("hello"), ScheduleStatus.RUNNING, 3);

    Response killed = client.killTasks(key("hello"), Set.of(1), "scale down");

    assertThat(killed.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(killed.getDetails()).isEmpty();
    // The KILLING step itself is short (40 ms); the task's events prove it was passed through.
    await()
        .atMost(TIMEOUT)
        .until(() -> instance(key("hello"), 1).getStatus() == ScheduleStatus.KILLED);
    ScheduledTask done = instance(key("hello"), 1);
    assertThat(done.getTaskEvents())
        .extracting(TaskEvent::getStatus)
        .containsExactly(
            ScheduleStatus.PENDING,
            ScheduleStatus.ASSIGNED,
            ScheduleStatus.STARTING,
            ScheduleStatus.RUNNING,
            ScheduleStatus.KILLING,
            ScheduleStatus.KILLED);
    assertThat(done.getTaskEvents().get(4).getMessage()).contains("scale down");
    assertThat(instance(key("hello"), 0).getStatus()).isEqualTo(ScheduleStatus.RUNNING);
    assertThat(instance(key("hello"), 2).getStatus()).isEqualTo(ScheduleStatus.RUNNING);
  }

  @Test
  void killTasksWithEmptyInstanceSetKillsTheWholeJobAndThenHasNothingToKill() throws Exception {
    client.createJob(job(key("hello"), 2));
    client.createJob(job(key("other"), 1));

    assertThat(client.killTasks(key("hello"), Set.of(), null).getResponseCode())
        .isEqualTo(ResponseCode.OK);
    awaitStatuses(key("hello"), ScheduleStatus.KILLED, 2);

    Response again = client.killTasks(key("hello"), null, null);
    assertThat(again.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(messages(again)).containsExactly("No tasks to kill.");
    assertThat(tasks(new TaskQuery().setJobName("other")))
        .extracting(ScheduledTask::getStatus)
        .doesNotContain(ScheduleStatus.KILLING, ScheduleStatus.KILLED);
  }

  @Test
  void killTasksOnUnknownJobHasNothingToKill() throws Exception {
    Response response = client.killTasks(key("nobody"), Set.of(0), null);

    assertThat(response.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(messages(response)).containsExactly("No tasks to kill.");
  }

  @Test
  void killTasksWithInvalidJobKeyIsErrorAsWithoutAuthentication() throws Exception {
    Response response = client.killTasks(new JobKey("www data", "prod", "hello"), null, null);

    assertThat(response.getResponseCode()).isEqualTo(ResponseCode.ERROR);
    assertThat(messages(response).get(0)).contains("www data");
  }

  @Test
  void getJobSummaryCountsTasksAsJobsJavaDoes() throws Exception {
    client.createJob(job(key("hello"), 3));
    JobConfiguration otherRole = job(new JobKey("analytics", "devel", "etl"), 1);
    // A role without a quota: only a non-production tier is accepted for it.
    otherRole.getTaskConfig().setOwner(new Identity("analytics")).setTier("preemptible");
    client.createJob(otherRole);
    awaitStatuses(key("hello"), ScheduleStatus.RUNNING, 3);
    client.killTasks(key("hello"), Set.of(0), null);
    await()
        .atMost(TIMEOUT)
        .until(() -> instance(key("hello"), 0).getStatus() == ScheduleStatus.KILLED);

    Set<JobSummary> summaries =
        client.getJobSummary("www-data").getResult().getJobSummaryResult().getSummaries();

    assertThat(summaries).hasSize(1);
    JobSummary summary = summaries.iterator().next();
    assertThat(summary.getJob().getKey()).isEqualTo(key("hello"));
    assertThat(summary.getStats()).isEqualTo(new JobStats(2, 1, 0, 0));
    assertThat(summary.getJob().getTaskConfig().getJob()).isEqualTo(key("hello"));
    assertThat(client.getJobSummary(null).getResult().getJobSummaryResult().getSummaries())
        .extracting(jobSummary -> jobSummary.getJob().getKey().getRole())
        .containsExactlyInAnyOrder("www-data", "analytics");
  }

  @Test
  void jobStatsClassifyEveryStatusLikeJobsJava() {
    List<ScheduledTask> tasks =
        Stream.of(ScheduleStatus.values())
            .map(status -> new ScheduledTask().setStatus(status))
            .collect(Collectors.toList());

    // pending: INIT, THROTTLED, PENDING; finished: FINISHED, KILLED; failed: FAILED, LOST; active:
    // the other 8.
    assertThat(SimulatedTaskStore.jobStats(tasks)).isEqualTo(new JobStats(8, 2, 2, 3));
  }

  @Test
  void taskQueryFiltersAreAndedAndUnsetStatusesIncludeTerminalTasks() throws Exception {
    client.createJob(job(key("hello"), 3));
    client.createJob(job(new JobKey("www-data", "devel", "hello"), 1));
    client.createJob(job(key("world"), 1));
    awaitStatuses(key("hello"), ScheduleStatus.RUNNING, 3);
    client.killTasks(key("hello"), Set.of(2), null);
    await()
        .atMost(TIMEOUT)
        .until(() -> instance(key("hello"), 2).getStatus() == ScheduleStatus.KILLED);

    assertThat(tasks(new TaskQuery())).hasSize(5);
    assertThat(tasks(new TaskQuery().setRole("www-data"))).hasSize(5);
    assertThat(tasks(new TaskQuery().setRole("nobody"))).isEmpty();
    assertThat(tasks(new TaskQuery().setEnvironment("devel"))).hasSize(1);
    assertThat(tasks(new TaskQuery().setJobName("hello"))).hasSize(4);
    assertThat(
            tasks(new TaskQuery().setRole("www-data").setEnvironment("prod").setJobName("hello")))
        .hasSize(3);
    assertThat(tasks(new TaskQuery().setJobKeys(Set.of(key("hello"), key("world"))))).hasSize(4);
    assertThat(
            tasks(
                new TaskQuery()
                    .setJobKeys(Set.of(key("hello")))
                    .setStatuses(Set.of(ScheduleStatus.KILLED))))
        .hasSize(1);
    assertThat(
            tasks(
                new TaskQuery()
                    .setJobKeys(Set.of(key("hello")))
                    .setStatuses(io.heroncp.aurora.thrift.aurora_apiConstants.ACTIVE_STATES)))
        .hasSize(2);
    assertThat(tasks(new TaskQuery().setJobKeys(Set.of(key("hello"))).setInstanceIds(Set.of(0, 2))))
        .extracting(task -> task.getAssignedTask().getInstanceId())
        .containsExactlyInAnyOrder(0, 2);
    String taskId = instance(key("world"), 0).getAssignedTask().getTaskId();
    assertThat(tasks(new TaskQuery().setTaskIds(Set.of(taskId))))
        .extracting(task -> task.getAssignedTask().getTaskId())
        .containsExactly(taskId);
    assertThat(tasks(new TaskQuery().setSlaveHosts(Set.of("127.0.0.1")))).hasSize(5);
    List<String> all = ids(tasks(new TaskQuery()));
    assertThat(ids(tasks(new TaskQuery().setOffset(1).setLimit(2)))).isEqualTo(all.subList(1, 3));
    assertThat(ids(tasks(new TaskQuery().setOffset(4)))).isEqualTo(all.subList(4, 5));
  }

  @Test
  void restartShardsReplacesEachInstanceWithANewTask() throws Exception {
    client.createJob(job(key("hello"), 2));
    List<ScheduledTask> running = awaitStatuses(key("hello"), ScheduleStatus.RUNNING, 2);
    String oldId =
        running.stream()
            .filter(task -> task.getAssignedTask().getInstanceId() == 0)
            .findFirst()
            .orElseThrow()
            .getAssignedTask()
            .getTaskId();

    Response restarted = client.restartShards(key("hello"), Set.of(0));

    assertThat(restarted.getResponseCode()).isEqualTo(ResponseCode.OK);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              ScheduledTask current = instance(key("hello"), 0);
              return !current.getAssignedTask().getTaskId().equals(oldId)
                  && current.getStatus() == ScheduleStatus.RUNNING;
            });
    ScheduledTask old = tasks(new TaskQuery().setTaskIds(Set.of(oldId))).get(0);
    assertThat(old.getTaskEvents())
        .extracting(TaskEvent::getStatus)
        .endsWith(ScheduleStatus.RUNNING, ScheduleStatus.RESTARTING, ScheduleStatus.KILLED);
    assertThat(instance(key("hello"), 0).getAncestorId()).isEqualTo(oldId);
  }

  @Test
  void restartShardsRejectsInactiveInstancesAndAnEmptySet() throws Exception {
    client.createJob(job(key("hello"), 2));

    Response inactive = client.restartShards(key("hello"), Set.of(1, 2));
    Response empty = client.restartShards(key("hello"), Set.of());

    assertThat(inactive.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(inactive)).containsExactly("Not all requested shards are active.");
    assertThat(empty.getResponseCode()).isEqualTo(ResponseCode.ERROR);
    assertThat(tasks(new TaskQuery().setStatuses(Set.of(ScheduleStatus.RESTARTING)))).isEmpty();
  }

  @Test
  void addInstancesClonesTheTemplateAfterTheHighestActiveInstance() throws Exception {
    client.createJob(job(key("hello"), 2));

    Response added = client.addInstances(new InstanceKey(key("hello"), 0), 2);

    assertThat(added.getResponseCode()).isEqualTo(ResponseCode.OK);
    List<ScheduledTask> running = awaitStatuses(key("hello"), ScheduleStatus.RUNNING, 4);
    assertThat(running)
        .extracting(task -> task.getAssignedTask().getInstanceId())
        .containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(running)
        .extracting(task -> task.getAssignedTask().getTask().getJob())
        .containsOnly(key("hello"));
  }

  @Test
  void addInstancesRejectsWithAuroraMessages() throws Exception {
    client.createJob(job(key("hello"), 2));

    Response zero = client.addInstances(new InstanceKey(key("hello"), 0), 0);
    Response noTemplate = client.addInstances(new InstanceKey(key("hello"), 7), 1);
    Response tooMany = client.addInstances(new InstanceKey(key("hello"), 0), 3999);

    assertThat(zero.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(zero)).containsExactly("Instance count must be positive.");
    assertThat(noTemplate.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(noTemplate))
        .containsExactly("No active task found for a given instance ID.");
    assertThat(tooMany.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(tooMany))
        .containsExactly("Instance count must be between 1 and 4000 inclusive.");
    assertThat(tasks(new TaskQuery())).hasSize(2);
  }

  @Test
  void startJobUpdateRollsForwardAndRejectsASecondActiveUpdate() throws Exception {
    client.createJob(job(key("hello"), 2));
    awaitStatuses(key("hello"), ScheduleStatus.RUNNING, 2);
    TaskConfig bigger = job(key("hello"), 3).getTaskConfig();
    replaceResource(bigger, Resource.ramMb(128), Resource.ramMb(256));

    Response started = client.startJobUpdate(updateRequest(bigger, 3, 2), "bigger");

    assertThat(started.getResponseCode()).isEqualTo(ResponseCode.OK);
    JobUpdateKey updateKey = started.getResult().getStartJobUpdateResult().getKey();
    assertThat(updateKey.getJob()).isEqualTo(key("hello"));
    assertThat(
            started.getResult().getStartJobUpdateResult().getUpdateSummary().getState().getStatus())
        .isEqualTo(JobUpdateStatus.ROLLING_FORWARD);

    Response second =
        client.startJobUpdate(updateRequest(job(key("hello"), 1).getTaskConfig(), 1, 1), null);
    assertThat(second.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(second).get(0)).startsWith("An active update already exists for this job");
    assertThat(second.getResult().getStartJobUpdateResult().getKey()).isEqualTo(updateKey);
    Response kill = client.killTasks(key("hello"), null, null);
    assertThat(kill.getResponseCode()).isEqualTo(ResponseCode.JOB_UPDATING_ERROR);

    await().atMost(TIMEOUT).until(() -> updateStatus(updateKey) == JobUpdateStatus.ROLLED_FORWARD);
    List<ScheduledTask> active =
        tasks(
            new TaskQuery()
                .setJobKeys(Set.of(key("hello")))
                .setStatuses(Set.of(ScheduleStatus.RUNNING)));
    assertThat(active)
        .hasSize(3)
        .allSatisfy(
            task ->
                assertThat(task.getAssignedTask().getTask().getResources())
                    .contains(Resource.ramMb(256)));
    JobUpdateDetails details =
        client
            .getJobUpdateDetails(null, new JobUpdateQuery().setKey(updateKey))
            .getResult()
            .getGetJobUpdateDetailsResult()
            .getDetailsList()
            .get(0);
    assertThat(details.getUpdateEvents())
        .extracting(event -> event.getStatus())
        .containsExactly(JobUpdateStatus.ROLLING_FORWARD, JobUpdateStatus.ROLLED_FORWARD);
    assertThat(details.getUpdate().getInstructions().getDesiredState().getInstances())
        .containsExactly(new Range(0, 2));
    assertThat(details.getUpdate().getInstructions().getInitialState())
        .singleElement()
        .satisfies(initial -> assertThat(initial.getInstances()).containsExactly(new Range(0, 1)));
    assertThat(details.getInstanceEvents())
        .extracting(event -> event.getAction())
        .filteredOn(action -> action == JobUpdateAction.INSTANCE_UPDATED)
        .hasSize(3);
  }

  @Test
  void startJobUpdateReportsAnUnchangedJobAndRejectsNonServiceTasks() throws Exception {
    client.createJob(job(key("hello"), 2));
    TaskConfig same = job(key("hello"), 2).getTaskConfig();

    Response unchanged = client.startJobUpdate(updateRequest(same, 2, 1), null);
    Response batch =
        client.startJobUpdate(updateRequest(same.deepCopy().setIsService(false), 2, 1), null);

    assertThat(unchanged.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(unchanged.isSetResult()).isFalse();
    assertThat(messages(unchanged)).containsExactly("Job is unchanged by proposed update.");
    assertThat(batch.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(batch)).containsExactly("Updates are not supported for non-service tasks.");
  }

  @Test
  void startJobUpdateValidatesSettingsAndScopeWithAuroraMessages() throws Exception {
    client.createJob(job(key("hello"), 2));
    TaskConfig bigger = job(key("hello"), 2).getTaskConfig();
    replaceResource(bigger, Resource.ramMb(128), Resource.ramMb(256));
    JobUpdateRequest negativeFailures = updateRequest(bigger, 2, 1);
    negativeFailures.getSettings().setMaxFailedInstances(-1);
    JobUpdateRequest noGroup = updateRequest(bigger, 2, 1);
    noGroup.getSettings().setUpdateGroupSize(0).unsetUpdateStrategy();
    JobUpdateRequest outOfScope = updateRequest(job(key("hello"), 2).getTaskConfig(), 2, 1);
    outOfScope.getSettings().setUpdateOnlyTheseInstances(Set.of(new Range(5, 5)));
    JobUpdateRequest badEnvironment =
        updateRequest(bigger.deepCopy().setJob(new JobKey("www-data", "qa", "hello")), 2, 1);

    assertThat(messages(client.startJobUpdate(negativeFailures, null)))
        .containsExactly("maxFailedInstances must be non-negative.");
    assertThat(messages(client.startJobUpdate(noGroup, null)))
        .containsExactly("Update results in no instance being modified.");
    assertThat(messages(client.startJobUpdate(outOfScope, null)))
        .containsExactly(
            "The update request attempted to update specific instances,"
                + " but some are irrelevant to the update and current job state: [5]");
    Response environment = client.startJobUpdate(badEnvironment, null);
    assertThat(environment.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(
            client
                .getJobUpdateSummaries(new JobUpdateQuery())
                .getResult()
                .getGetJobUpdateSummariesResult()
                .getUpdateSummaries())
        .hasSize(1);
  }

  @Test
  void coordinatedUpdateWaitsForAPulseAndCanBeAborted() throws Exception {
    client.createJob(job(key("hello"), 1));
    TaskConfig bigger = job(key("hello"), 1).getTaskConfig();
    replaceResource(bigger, Resource.ramMb(128), Resource.ramMb(512));
    JobUpdateRequest request = updateRequest(bigger, 1, 1);
    request.getSettings().setBlockIfNoPulsesAfterMs(60_000);

    Response started = client.startJobUpdate(request, null);
    JobUpdateKey updateKey = started.getResult().getStartJobUpdateResult().getKey();
    assertThat(updateStatus(updateKey)).isEqualTo(JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE);

    Response pulse = client.pulseJobUpdate(updateKey);
    assertThat(pulse.getResult().getPulseJobUpdateResult().getStatus())
        .isEqualTo(JobUpdatePulseStatus.OK);
    assertThat(updateStatus(updateKey)).isEqualTo(JobUpdateStatus.ROLLING_FORWARD);

    assertThat(client.abortJobUpdate(updateKey, "stop").getResponseCode())
        .isEqualTo(ResponseCode.OK);
    assertThat(updateStatus(updateKey)).isEqualTo(JobUpdateStatus.ABORTED);
    Response finished = client.pulseJobUpdate(updateKey);
    assertThat(finished.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(finished.getResult().getPulseJobUpdateResult().getStatus())
        .isEqualTo(JobUpdatePulseStatus.FINISHED);
    JobUpdateKey unknown = new JobUpdateKey(key("hello"), "no-such-update");
    Response abortUnknown = client.abortJobUpdate(unknown, null);
    assertThat(abortUnknown.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(abortUnknown)).containsExactly("Update does not exist " + unknown);
    assertThat(client.pauseJobUpdate(updateKey, null).getResponseCode())
        .isEqualTo(ResponseCode.INVALID_REQUEST);
  }

  @Test
  void readOnlySummariesDescribeTheJobs() throws Exception {
    client.createJob(job(key("hello"), 3));
    client.createJob(job(key("world"), 1));

    Set<RoleSummary> roles =
        client.getRoleSummary().getResult().getRoleSummaryResult().getSummaries();
    Set<JobConfiguration> jobs =
        client.getJobs("www-data").getResult().getGetJobsResult().getConfigs();
    Set<ConfigGroup> groups =
        client
            .getConfigSummary(key("hello"))
            .getResult()
            .getConfigSummaryResult()
            .getSummary()
            .getGroups();

    assertThat(roles).containsExactly(new RoleSummary("www-data", 2, 0));
    assertThat(jobs).extracting(JobConfiguration::getInstanceCount).containsExactlyInAnyOrder(3, 1);
    assertThat(groups).hasSize(1);
    assertThat(groups.iterator().next().getInstances()).containsExactly(new Range(0, 2));
    assertThat(client.getJobs("nobody").getResult().getGetJobsResult().getConfigs()).isEmpty();
  }

  @Test
  void populateJobConfigValidatesWithoutCreating() throws Exception {
    JobConfiguration valid = job(key("hello"), 2);
    valid.getTaskConfig().unsetTier();
    JobConfiguration invalid = job(key("hello"), 2);
    invalid.getKey().setEnvironment("qa");

    Response populated = client.populateJobConfig(valid);
    Response rejected = client.populateJobConfig(invalid);

    assertThat(populated.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(populated.getResult().getPopulateJobResult().getTaskConfig().getTier())
        .isEqualTo("preemptible");
    assertThat(rejected.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(messages(rejected))
        .containsExactly(
            "Invalid configuration: Job environment qa doesn't match: ^(prod|devel|test|staging\\d*)$");
    assertThat(tasks(new TaskQuery())).isEmpty();
  }

  @Test
  void unsupportedCallsAnswerErrorNotOk() throws Exception {
    Response rollback = client.rollbackJobUpdate(new JobUpdateKey(key("hello"), "x"), null);

    assertThat(rollback.getResponseCode()).isEqualTo(ResponseCode.ERROR);
    assertThat(messages(rollback).get(0)).contains("not supported");
    assertThat(rollback.getServerInfo().getClusterName()).isEqualTo("test-cluster");
  }

  private static JobUpdateRequest updateRequest(TaskConfig config, int instances, int groupSize) {
    JobUpdateSettings settings =
        new JobUpdateSettings()
            .setUpdateGroupSize(groupSize)
            .setUpdateStrategy(
                JobUpdateStrategy.queueStrategy(new QueueJobUpdateStrategy(groupSize)))
            .setUpdateOnlyTheseInstances(new LinkedHashSet<>());
    return new JobUpdateRequest(config, instances, settings);
  }

  private JobUpdateStatus updateStatus(JobUpdateKey key) throws Exception {
    return client
        .getJobUpdateSummaries(new JobUpdateQuery().setKey(key))
        .getResult()
        .getGetJobUpdateSummariesResult()
        .getUpdateSummaries()
        .get(0)
        .getState()
        .getStatus();
  }

  private List<ScheduledTask> tasks(TaskQuery query) throws Exception {
    Response response = client.getTasksWithoutConfigs(query);
    assertThat(response.getResponseCode()).isEqualTo(ResponseCode.OK);
    return response.getResult().getScheduleStatusResult().getTasks();
  }

  /** The newest task of an instance, as Aurora's JobMonitor picks it. */
  private ScheduledTask instance(JobKey job, int instanceId) throws Exception {
    return tasks(new TaskQuery().setJobKeys(Set.of(job)).setInstanceIds(Set.of(instanceId)))
        .stream()
        .max(Comparator.comparingLong(task -> task.getTaskEvents().get(0).getTimestamp()))
        .orElseThrow();
  }

  private List<ScheduledTask> awaitStatuses(JobKey job, ScheduleStatus status, int count) {
    TaskQuery query = new TaskQuery().setJobKeys(Set.of(job)).setStatuses(Set.of(status));
    return await().atMost(TIMEOUT).until(() -> tasks(query), found -> found.size() == count);
  }

  private static List<String> ids(List<ScheduledTask> tasks) {
    return tasks.stream()
        .map(task -> task.getAssignedTask().getTaskId())
        .collect(Collectors.toList());
  }

  private static List<String> messages(Response response) {
    return response.getDetails().stream()
        .map(ResponseDetail::getMessage)
        .collect(Collectors.toList());
  }
}
