package io.heroncp.simulator;

import static io.heroncp.simulator.SimulatorFixtures.STEP;
import static io.heroncp.simulator.SimulatorFixtures.key;
import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.ExecutorConfig;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.support.PackageFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated agent runs each task's fetch processes for real: a task whose packages can be
 * fetched runs, one whose packages cannot fails with curl's or tar's reason, and Aurora's
 * rescheduling (THROTTLED for the flapping penalty, doubling to the cap) follows. Through the
 * simulator's real HTTP endpoint.
 */
class SimulatedAgentTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FLAPPING = Duration.ofMillis(200);
  private static final Duration MAX_FLAPPING = Duration.ofMillis(300);

  @TempDir Path dir;

  private AuroraSimulator simulator;
  private SimulatorHttpServer server;
  private AuroraSchedulerManager.Client client;
  private HttpServer slowServer;

  @BeforeEach
  void start() throws Exception {
    SimulatorProperties properties =
        new SimulatorProperties(
            true,
            "test-cluster",
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
            null,
            0,
            Duration.ofSeconds(5),
            FLAPPING,
            MAX_FLAPPING,
            SimulatorFixtures.QUOTAS);
    simulator = new AuroraSimulator(properties);
    server = new SimulatorHttpServer(simulator, properties);
    server.start();
    client = SimulatorFixtures.client(server.apiEndpoint());
  }

  @AfterEach
  void stop() {
    if (slowServer != null) {
      slowServer.stop(0);
    }
    server.close();
    simulator.close();
  }

  @Test
  void tasksWhosePackagesCanBeFetchedRun() throws Exception {
    JobKey key = key("fetching");
    URI topology = PackageFiles.fetchable(dir, "topology.tar.gz");

    assertThat(
            client
                .createJob(job(key, 2, server.corePackageUri(), topology, true, 1))
                .getResponseCode())
        .isEqualTo(ResponseCode.OK);

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                newest(key, 0).getStatus() == ScheduleStatus.RUNNING
                    && newest(key, 1).getStatus() == ScheduleStatus.RUNNING);
    assertThat(tasks(key))
        .hasSize(2)
        .allSatisfy(
            task ->
                assertThat(task.getTaskEvents())
                    .extracting(TaskEvent::getStatus)
                    .containsExactly(
                        ScheduleStatus.PENDING,
                        ScheduleStatus.ASSIGNED,
                        ScheduleStatus.STARTING,
                        ScheduleStatus.RUNNING));
  }

  @Test
  void
      aCorePackageAnsweringNotFoundFailsTheTaskWithTarsReasonAndAuroraReschedulesWithGrowingPenalties()
          throws Exception {
    JobKey key = key("missing-core");
    URI core = URI.create(server.corePackageUri().toString().replace("heron-core", "no-such-core"));
    URI topology = PackageFiles.fetchable(dir, "topology.tar.gz");

    assertThat(client.createJob(job(key, 1, core, topology, true, 1)).getResponseCode())
        .isEqualTo(ResponseCode.OK);

    await().atMost(TIMEOUT).until(() -> tasks(key).size() >= 4);
    List<ScheduledTask> chain = tasks(key);
    ScheduledTask first = chain.get(0);
    assertThat(first.getStatus()).isEqualTo(ScheduleStatus.FAILED);
    assertThat(first.getFailureCount()).isZero();
    assertThat(last(first).getMessage())
        .isEqualTo(
            "Process fetch_heron_system failed: tar zxf heron-core.tar.gz:"
                + " gzip: stdin: not in gzip format ("
                + core
                + " is not a .tar.gz) ("
                + core
                + " answered HTTP 404)");
    assertThat(first.getTaskEvents())
        .extracting(TaskEvent::getStatus)
        .containsExactly(
            ScheduleStatus.PENDING,
            ScheduleStatus.ASSIGNED,
            ScheduleStatus.STARTING,
            ScheduleStatus.FAILED);

    // Each failure is rescheduled as a new task of the same instance, THROTTLED first; the penalty
    // doubles per
    // failure in a row and stops at the cap.
    for (int i = 1; i < 3; i++) {
      ScheduledTask next = chain.get(i);
      assertThat(next.getAncestorId()).isEqualTo(chain.get(i - 1).getAssignedTask().getTaskId());
      assertThat(next.getAssignedTask().getInstanceId()).isZero();
      assertThat(next.getFailureCount()).isEqualTo(i);
      assertThat(next.getTaskEvents().get(0).getStatus()).isEqualTo(ScheduleStatus.THROTTLED);
      assertThat(next.getTaskEvents().get(1).getStatus()).isEqualTo(ScheduleStatus.PENDING);
    }
    assertThat(chain.get(1).getTaskEvents().get(0).getMessage())
        .isEqualTo("Rescheduled, penalized for 200 ms for flapping");
    assertThat(chain.get(2).getTaskEvents().get(0).getMessage())
        .isEqualTo("Rescheduled, penalized for 300 ms for flapping");
    assertThat(chain.get(3).getTaskEvents().get(0).getMessage())
        .isEqualTo("Rescheduled, penalized for 300 ms for flapping");
    // The job stays active, as a service whose tasks keep failing does in Aurora.
    assertThat(activeCount(key)).isEqualTo(1);
  }

  @Test
  void aMissingTopologyPackageFileFailsTheSecondFetchWithCurlsReason() throws Exception {
    JobKey key = key("missing-topology");
    Path missing = dir.resolve("gone/topology.tar.gz");

    client.createJob(job(key, 1, server.corePackageUri(), missing.toUri(), true, 1));

    ScheduledTask failed = awaitFirstFailure(key);
    assertThat(last(failed).getMessage())
        .isEqualTo("Process fetch_user_package failed: curl: (37) Couldn't open file " + missing);
  }

  @Test
  void anUnreachableHostFailsTheFetchWithConnectionRefused() throws Exception {
    JobKey key = key("refused");
    // A port nobody listens on: the fetch must be refused.
    int closed = freePort();
    URI core = URI.create("http://127.0.0.1:" + closed + "/heron-core.tar.gz");

    client.createJob(job(key, 1, core, PackageFiles.fetchable(dir, "topology.tar.gz"), true, 1));

    assertThat(last(awaitFirstFailure(key)).getMessage())
        .isEqualTo(
            "Process fetch_heron_system failed: curl: (7) Failed to connect to 127.0.0.1 port "
                + closed
                + ": Connection refused");
  }

  @Test
  void aTruncatedArchiveFailsLikeTar() throws Exception {
    JobKey key = key("truncated");
    byte[] whole = SimulatedCorePackage.get().bytes();
    Path truncated =
        Files.write(dir.resolve("heron-core.tar.gz"), Arrays.copyOf(whole, whole.length / 2));

    client.createJob(
        job(key, 1, truncated.toUri(), PackageFiles.fetchable(dir, "topology.tar.gz"), true, 1));

    assertThat(last(awaitFirstFailure(key)).getMessage())
        .isEqualTo(
            "Process fetch_heron_system failed: tar zxf heron-core.tar.gz: gzip: stdin: unexpected end of file");
  }

  @Test
  void aFailedNonServiceTaskIsRescheduledOnlyWhileFailuresAreLeft() throws Exception {
    JobKey once = key("batch-once");
    JobKey twice = key("batch-twice");
    URI missing = dir.resolve("missing.tar.gz").toUri();

    client.createJob(job(once, 1, missing, missing, false, 1));
    client.createJob(job(twice, 1, missing, missing, false, 2));

    await()
        .atMost(TIMEOUT)
        .until(() -> activeCount(once) == 0 && activeCount(twice) == 0 && tasks(twice).size() == 2);
    assertThat(tasks(once))
        .singleElement()
        .extracting(ScheduledTask::getStatus)
        .isEqualTo(ScheduleStatus.FAILED);
    assertThat(tasks(twice))
        .extracting(ScheduledTask::getStatus)
        .containsExactly(ScheduleStatus.FAILED, ScheduleStatus.FAILED);
    assertThat(tasks(twice).get(1).getFailureCount()).isEqualTo(1);
  }

  @Test
  void aTaskKilledWhileItsPackageDownloadsEndsKilledNotRunning() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch requested = new CountDownLatch(1);
    slowServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    slowServer.createContext(
        "/",
        exchange -> {
          requested.countDown();
          try {
            release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = SimulatedCorePackage.get().bytes();
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          } catch (IOException ignored) {
            // the simulator may have gone away
          }
        });
    slowServer.start();
    JobKey key = key("killed-while-fetching");
    URI core =
        URI.create("http://127.0.0.1:" + slowServer.getAddress().getPort() + "/heron-core.tar.gz");
    client.createJob(job(key, 1, core, PackageFiles.fetchable(dir, "topology.tar.gz"), true, 1));
    assertThat(requested.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(newest(key, 0).getStatus()).isEqualTo(ScheduleStatus.STARTING);

    assertThat(client.killTasks(key, Set.of(0), null).getResponseCode()).isEqualTo(ResponseCode.OK);
    release.countDown();

    await().atMost(TIMEOUT).until(() -> newest(key, 0).getStatus() == ScheduleStatus.KILLED);
    // The finished download must not start it afterwards.
    await()
        .during(STEP.multipliedBy(5))
        .atMost(TIMEOUT)
        .until(() -> newest(key, 0).getStatus() == ScheduleStatus.KILLED);
    assertThat(tasks(key))
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.getStatus()).isEqualTo(ScheduleStatus.KILLED);
              assertThat(task.getTaskEvents())
                  .extracting(TaskEvent::getStatus)
                  .doesNotContain(ScheduleStatus.RUNNING);
            });
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A job whose Thermos task fetches {@code core} then {@code topology}, as the Heron job template
   * does.
   */
  private static JobConfiguration job(
      JobKey key, int instances, URI core, URI topology, boolean service, int maxTaskFailures) {
    String data =
        "{\"name\":\""
            + key.getName()
            + "\",\"task\":{\"name\":\"setup_and_run\",\"processes\":["
            + "{\"name\":\"fetch_heron_system\",\"cmdline\":\"curl "
            + core
            + " -o heron-core.tar.gz && tar zxf heron-core.tar.gz\"},"
            + "{\"name\":\"fetch_user_package\",\"cmdline\":\"curl "
            + topology
            + " -o topology.tar.gz && tar zxf topology.tar.gz\"},"
            + "{\"name\":\"launch_heron_executor\",\"cmdline\":\"./heron-core/bin/heron-executor --shard=0\"}]}}";
    JobConfiguration job = SimulatorFixtures.job(key, instances);
    job.getTaskConfig()
        .setIsService(service)
        .setMaxTaskFailures(maxTaskFailures)
        .setExecutorConfig(new ExecutorConfig("AuroraExecutor", data));
    return job;
  }

  private ScheduledTask awaitFirstFailure(JobKey key) throws Exception {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> !tasks(key).isEmpty() && tasks(key).get(0).getStatus() == ScheduleStatus.FAILED);
    return tasks(key).get(0);
  }

  /** Every task of the job, oldest first. */
  private List<ScheduledTask> tasks(JobKey key) throws Exception {
    return client
        .getTasksStatus(new TaskQuery().setJobKeys(Set.of(key)))
        .getResult()
        .getScheduleStatusResult()
        .getTasks()
        .stream()
        .sorted(Comparator.comparingLong(task -> task.getTaskEvents().get(0).getTimestamp()))
        .toList();
  }

  private ScheduledTask newest(JobKey key, int instance) throws Exception {
    List<ScheduledTask> all =
        tasks(key).stream()
            .filter(task -> task.getAssignedTask().getInstanceId() == instance)
            .toList();
    return all.isEmpty()
        ? new ScheduledTask().setStatus(ScheduleStatus.INIT)
        : all.get(all.size() - 1);
  }

  private long activeCount(JobKey key) throws Exception {
    return tasks(key).stream()
        .filter(
            task ->
                io.heroncp.aurora.thrift.aurora_apiConstants.ACTIVE_STATES.contains(
                    task.getStatus()))
        .count();
  }

  private static TaskEvent last(ScheduledTask task) {
    return task.getTaskEvents().get(task.getTaskEvents().size() - 1);
  }
}
