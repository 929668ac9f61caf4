package io.heroncp.aurora;

import static io.heroncp.aurora.AuroraFixtures.ZK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateStatus;
import io.heroncp.aurora.thrift.JobUpdateSummary;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.cluster.ClusterProperties.Scheduler.Protocol;
import io.heroncp.heron.ContainerPlan;
import io.heroncp.heron.InstancePlan;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.Resources;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.simulator.AuroraSimulator;
import io.heroncp.simulator.SimulatorHttpServer;
import io.heroncp.simulator.SimulatorProperties;
import io.heroncp.support.PackageFiles;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.TopologyKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart, add, kill and update of instances by {@link AuroraScheduler} against the built-in Aurora
 * simulator, over real HTTP with real Thrift bytes. The simulator is read in-process to see what
 * Aurora did.
 */
class SchedulerOperationsAgainstSimulatorTest {

  private static final TopologyKey KEY =
      new TopologyKey("devcluster", "alice", "devel", "WordCount");
  private static final JobKey JOB = new JobKey("alice", "devel", "WordCount");
  private static final Duration STEP = Duration.ofMillis(20);
  private static final AuroraUpdatePolicy FAST =
      new AuroraUpdatePolicy(Duration.ofMillis(100), Duration.ofMillis(20), Duration.ofMillis(200));

  private AuroraSimulator simulator;
  private SimulatorHttpServer server;
  private final List<AuroraScheduler> schedulers = new ArrayList<>();
  @TempDir Path packages;
  private URI topologyPackage;

  @BeforeEach
  void start() throws IOException {
    SimulatorProperties properties =
        new SimulatorProperties(
            true,
            "sim",
            "127.0.0.1",
            0,
            "/aurora/scheduler",
            "^(prod|devel|test|staging\\d*)$",
            STEP,
            STEP,
            STEP,
            STEP,
            0,
            null,
            null);
    simulator = new AuroraSimulator(properties);
    server = new SimulatorHttpServer(simulator, properties);
    server.start();
    // The simulated agent downloads both packages of every task.
    topologyPackage = PackageFiles.fetchable(packages, "topology.tar.gz");
  }

  private JobRequest request() {
    return AuroraFixtures.request("devel", topologyPackage);
  }

  @AfterEach
  void stop() {
    schedulers.forEach(AuroraScheduler::close);
    server.close();
    simulator.close();
  }

  private AuroraScheduler scheduler(AuroraUpdatePolicy policy) {
    return scheduler(
        policy,
        URI.create(server.apiEndpoint().toString().replaceFirst("/api$", "")),
        Duration.ofSeconds(5));
  }

  private AuroraScheduler scheduler(AuroraUpdatePolicy policy, URI base, Duration readTimeout) {
    AuroraClientSettings settings =
        new AuroraClientSettings(
            "devcluster",
            Protocol.JSON,
            Duration.ofSeconds(2),
            readTimeout,
            null,
            null,
            3,
            2,
            Duration.ofMillis(50));
    AuroraScheduler scheduler =
        new AuroraScheduler(
            "devcluster",
            AuroraFixtures.cluster(
                AuroraFixtures.scheduler(base, Protocol.JSON), server.corePackageUri()),
            ZK,
            new AuroraThriftClient(new StaticSchedulerLocator(base), settings),
            new AuroraJobFactory(),
            policy);
    schedulers.add(scheduler);
    return scheduler;
  }

  /** Creates the fixture job (3 instances) and waits until every instance runs. */
  private AuroraScheduler runningJob(AuroraUpdatePolicy policy) {
    AuroraScheduler scheduler = scheduler(policy);
    scheduler.createJob(request());
    awaitRunning(0, 1, 2);
    return scheduler;
  }

  private void awaitRunning(Integer... instances) {
    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              Map<Integer, ScheduledTask> active = active();
              assertThat(active.keySet()).containsExactlyInAnyOrder(instances);
              assertThat(active.values())
                  .allMatch(task -> task.getStatus() == ScheduleStatus.RUNNING);
            });
  }

  private List<ScheduledTask> tasks() {
    return simulator
        .getTasksWithoutConfigs(new TaskQuery().setJobKeys(Set.of(JOB)))
        .getResult()
        .getScheduleStatusResult()
        .getTasks();
  }

  /** The active task of each instance, by instance id. */
  private Map<Integer, ScheduledTask> active() {
    Map<Integer, ScheduledTask> active = new TreeMap<>();
    for (ScheduledTask task :
        simulator
            .getTasksWithoutConfigs(
                new TaskQuery()
                    .setJobKeys(Set.of(JOB))
                    .setStatuses(EnumSet.copyOf(aurora_apiConstants.ACTIVE_STATES)))
            .getResult()
            .getScheduleStatusResult()
            .getTasks()) {
      active.put(task.getAssignedTask().getInstanceId(), task);
    }
    return active;
  }

  private Map<Integer, String> taskIds() {
    Map<Integer, String> ids = new HashMap<>();
    active().forEach((instance, task) -> ids.put(instance, task.getAssignedTask().getTaskId()));
    return ids;
  }

  private List<JobUpdateSummary> updates() {
    return simulator
        .getJobUpdateSummaries(new JobUpdateQuery().setJobKey(JOB))
        .getResult()
        .getGetJobUpdateSummariesResult()
        .getUpdateSummaries();
  }

  /**
   * The fixture request with every container scheduled at {@code cpu} cores; with {@code
   * containers} 3 the {@code count} bolt moves from container 2 into a new container 3.
   */
  private JobRequest resized(double cpu, int containers) {
    JobRequest request = request();
    List<ContainerPlan> plans = new ArrayList<>();
    for (ContainerPlan source : request.packing().containers()) {
      List<InstancePlan> instances =
          containers == 3 && source.id() == 2
              ? source.instances().subList(0, 1)
              : source.instances();
      plans.add(
          new ContainerPlan(
              source.id(), instances, source.required(), at(cpu, source.scheduled())));
    }
    if (containers == 3) {
      ContainerPlan second =
          request.packing().containers().stream()
              .filter(c -> c.id() == 2)
              .findFirst()
              .orElseThrow();
      plans.add(
          new ContainerPlan(
              3, second.instances().subList(1, 2), second.required(), at(cpu, second.scheduled())));
    }
    return new JobRequest(
        request.key(),
        request.submitUser(),
        request.topology(),
        new PackingPlan(request.packing().id() + "-" + cpu + "-" + containers, plans),
        request.topologyPackageUri(),
        request.topologyBinaryFile(),
        request.config());
  }

  private static Resources at(double cpu, Resources resources) {
    return new Resources(cpu, resources.ramBytes(), resources.diskBytes());
  }

  private static double cpuOf(ScheduledTask task) {
    return task.getAssignedTask().getTask().getResources().stream()
        .filter(Resource::isSetNumCpus)
        .mapToDouble(Resource::getNumCpus)
        .findFirst()
        .orElseThrow();
  }

  private static List<ScheduleStatus> history(ScheduledTask task) {
    return task.getTaskEvents().stream().map(TaskEvent::getStatus).collect(Collectors.toList());
  }

  @Test
  void restartMovesTheInstanceThroughRestartingToANewRunningTask() {
    AuroraScheduler scheduler = runningJob(FAST);
    Map<Integer, String> before = taskIds();

    scheduler.restart(KEY, Set.of(1));

    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              Map<Integer, String> after = taskIds();
              assertThat(after.get(1)).isNotEqualTo(before.get(1));
              assertThat(active().get(1).getStatus()).isEqualTo(ScheduleStatus.RUNNING);
            });
    ScheduledTask old =
        tasks().stream()
            .filter(task -> task.getAssignedTask().getTaskId().equals(before.get(1)))
            .findFirst()
            .orElseThrow();
    assertThat(history(old))
        .endsWith(ScheduleStatus.RUNNING, ScheduleStatus.RESTARTING, ScheduleStatus.KILLED);
    assertThat(taskIds().get(0)).isEqualTo(before.get(0));
    assertThat(taskIds().get(2)).isEqualTo(before.get(2));
  }

  @Test
  void restartOfAnInstanceThatIsNotActiveIsAConflictWithAurorasMessage() {
    AuroraScheduler scheduler = runningJob(FAST);

    assertThatThrownBy(() -> scheduler.restart(KEY, Set.of(1, 7)))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Not all requested shards are active.");
    assertThatThrownBy(() -> scheduler.restart(KEY, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(active().values()).allMatch(task -> task.getStatus() == ScheduleStatus.RUNNING);
  }

  @Test
  void addInstancesReturnsTheNewIdsAfterTheHighestActiveOne() {
    AuroraScheduler scheduler = runningJob(FAST);

    List<Integer> added = scheduler.addInstances(KEY, 2);

    assertThat(added).containsExactly(3, 4);
    awaitRunning(0, 1, 2, 3, 4);
    // Cloned from instance 0.
    assertThat(active().get(4).getAssignedTask().getTask())
        .isEqualTo(active().get(0).getAssignedTask().getTask());
    assertThatThrownBy(() -> scheduler.addInstances(KEY, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addInstancesWithoutAnActiveInstanceZeroIsAConflict() {
    AuroraScheduler scheduler = runningJob(FAST);
    scheduler.killInstances(KEY, Set.of(0));
    await().atMost(10, TimeUnit.SECONDS).until(() -> !active().containsKey(0));

    assertThatThrownBy(() -> scheduler.addInstances(KEY, 1))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("instance 0");
    assertThatThrownBy(() -> scheduler.scaleTo(KEY, 4))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("instance 0");
  }

  @Test
  void scaleToReachesTheInstanceCountAndIsANoOpWhenRetried() {
    AuroraScheduler scheduler = runningJob(FAST);

    scheduler.scaleTo(KEY, 5);
    scheduler.scaleTo(KEY, 5);

    awaitRunning(0, 1, 2, 3, 4);
    assertThat(tasks()).hasSize(5);

    scheduler.scaleTo(KEY, 2);
    scheduler.scaleTo(KEY, 2);

    awaitRunning(0, 1);
    assertThat(tasks()).filteredOn(task -> task.getStatus() == ScheduleStatus.KILLED).hasSize(3);
    assertThatThrownBy(() -> scheduler.scaleTo(KEY, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scaleToRefusesToFillAGapBelowTheHighestInstance() {
    AuroraScheduler scheduler = runningJob(FAST);
    scheduler.killInstances(KEY, Set.of(1));
    await().atMost(10, TimeUnit.SECONDS).until(() -> !active().containsKey(1));

    assertThatThrownBy(() -> scheduler.scaleTo(KEY, 4))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("instances [1]");
    assertThat(active().keySet()).containsExactly(0, 2);
  }

  @Test
  void killInstancesKillsOnlyTheActiveOnesNamed() {
    AuroraScheduler scheduler = runningJob(FAST);
    Map<Integer, String> before = taskIds();

    scheduler.killInstances(KEY, Set.of(2, 9));

    awaitRunning(0, 1);
    assertThat(taskIds()).containsEntry(0, before.get(0)).containsEntry(1, before.get(1));
    // Retried: nothing active is named any more, so nothing is sent and nothing else dies.
    scheduler.killInstances(KEY, Set.of(2, 9));
    assertThat(taskIds()).containsEntry(0, before.get(0)).containsEntry(1, before.get(1));
    assertThatThrownBy(() -> scheduler.killInstances(KEY, Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(active()).hasSize(2);
  }

  @Test
  void updateJobRollsForwardToTheNewResourcesAndInstanceCount() {
    AuroraScheduler scheduler = runningJob(FAST);

    scheduler.updateJob(resized(4.0, 3), Duration.ofSeconds(30));

    assertThat(updates())
        .singleElement()
        .satisfies(
            update ->
                assertThat(update.getState().getStatus())
                    .isEqualTo(JobUpdateStatus.ROLLED_FORWARD));
    Map<Integer, ScheduledTask> active = active();
    assertThat(active.keySet()).containsExactly(0, 1, 2, 3);
    assertThat(active.values())
        .allSatisfy(
            task -> {
              assertThat(task.getStatus()).isEqualTo(ScheduleStatus.RUNNING);
              assertThat(cpuOf(task)).isEqualTo(4.0);
            });
  }

  @Test
  void updateJobToTheRunningConfigurationIsANoOp() {
    AuroraScheduler scheduler = runningJob(FAST);
    Map<Integer, String> before = taskIds();

    scheduler.updateJob(request(), Duration.ofSeconds(5));

    assertThat(updates()).isEmpty();
    assertThat(taskIds()).isEqualTo(before);
  }

  @Test
  void aSecondUpdateWhileOneRunsIsAConflictButTheSameUpdateFollowsIt() throws Exception {
    AuroraUpdatePolicy slow =
        new AuroraUpdatePolicy(
            Duration.ofMillis(1500), Duration.ofMillis(20), Duration.ofMillis(200));
    AuroraScheduler scheduler = runningJob(slow);
    JobRequest first = resized(4.0, 2);
    CompletableFuture<Void> running =
        CompletableFuture.runAsync(() -> scheduler.updateJob(first, Duration.ofSeconds(30)));
    await().atMost(10, TimeUnit.SECONDS).until(() -> !updates().isEmpty());

    assertThatThrownBy(() -> scheduler.updateJob(resized(2.0, 2), Duration.ofSeconds(30)))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("an Aurora job update is already in progress");

    // A retry of the running update (same config, same update id) waits for it instead of failing.
    scheduler.updateJob(first, Duration.ofSeconds(30));
    running.get(30, TimeUnit.SECONDS);
    assertThat(updates())
        .singleElement()
        .satisfies(
            update ->
                assertThat(update.getState().getStatus())
                    .isEqualTo(JobUpdateStatus.ROLLED_FORWARD));
    assertThat(active().values()).allSatisfy(task -> assertThat(cpuOf(task)).isEqualTo(4.0));
  }

  @Test
  void aStartThatTimedOutAfterReachingAuroraIsRecognisedByItsUpdateId() throws Exception {
    // Slow enough that the update is still active when the start is sent again.
    AuroraUpdatePolicy slow =
        new AuroraUpdatePolicy(
            Duration.ofMillis(2000), Duration.ofMillis(20), Duration.ofMillis(200));
    runningJob(slow);
    // A proxy that passes every call on but holds the first startJobUpdate reply past the client's
    // read timeout.
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger starts = new AtomicInteger();
    HttpClient upstream = HttpClient.newHttpClient();
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.setExecutor(Executors.newCachedThreadPool());
    proxy.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpResponse<byte[]> reply =
                upstream.send(
                    HttpRequest.newBuilder(server.apiEndpoint())
                        .header(
                            "Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
                        .header("Accept", exchange.getRequestHeaders().getFirst("Accept"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (new String(body, StandardCharsets.UTF_8).contains("\"startJobUpdate\"")
                && starts.incrementAndGet() == 1) {
              never.await(3, TimeUnit.SECONDS);
            }
            exchange
                .getResponseHeaders()
                .add("Content-Type", reply.headers().firstValue("Content-Type").orElse(""));
            exchange.sendResponseHeaders(reply.statusCode(), reply.body().length);
            exchange.getResponseBody().write(reply.body());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    proxy.start();
    try {
      AuroraScheduler scheduler =
          scheduler(
              slow,
              URI.create("http://127.0.0.1:" + proxy.getAddress().getPort()),
              Duration.ofMillis(700));

      scheduler.updateJob(resized(4.0, 2), Duration.ofSeconds(30));

      assertThat(starts.get()).isEqualTo(2);
      assertThat(updates())
          .singleElement()
          .satisfies(
              update ->
                  assertThat(update.getState().getStatus())
                      .isEqualTo(JobUpdateStatus.ROLLED_FORWARD));
      assertThat(active().values()).allSatisfy(task -> assertThat(cpuOf(task)).isEqualTo(4.0));
    } finally {
      never.countDown();
      proxy.stop(0);
    }
  }

  @Test
  void anUpdateThatDoesNotFinishInTimeIsAbortedAndTimesOut() {
    AuroraUpdatePolicy never =
        new AuroraUpdatePolicy(
            Duration.ofMinutes(10), Duration.ofMillis(20), Duration.ofMillis(200));
    AuroraScheduler scheduler = runningJob(never);

    assertThatThrownBy(() -> scheduler.updateJob(resized(4.0, 2), Duration.ofSeconds(1)))
        .isInstanceOf(DependencyTimeoutException.class)
        .hasMessageContaining("aborted");

    assertThat(updates())
        .singleElement()
        .satisfies(
            update -> assertThat(update.getState().getStatus()).isEqualTo(JobUpdateStatus.ABORTED));
    // Aborted for good: the next update can start.
    AuroraScheduler fast = scheduler(FAST);
    fast.updateJob(resized(2.0, 2), Duration.ofSeconds(30));
    assertThat(new TreeSet<>(updates().stream().map(u -> u.getState().getStatus()).toList()))
        .containsExactly(JobUpdateStatus.ROLLED_FORWARD, JobUpdateStatus.ABORTED);
  }
}
