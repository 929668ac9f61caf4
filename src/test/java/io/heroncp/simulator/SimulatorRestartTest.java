package io.heroncp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.FreePorts;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator survives a restart of the service: its jobs, tasks and events are journaled in
 * ZooKeeper and resumed by a new context on the same ZooKeeper; the topology-manager stand-in
 * registers again on start and after a session expiry.
 */
class SimulatorRestartTest {

  private static final String PATH = "/api/v1/topologies/local/durable/devel/Durable";
  private static final JobKey JOB = new JobKey("durable", "devel", "Durable");

  @TempDir Path temp;
  private TestingServer zooKeeper;
  private ServiceInstance service;
  private int simulatorPort;

  @BeforeEach
  void startZooKeeper() throws Exception {
    zooKeeper = new TestingServer(FreePorts.freePort(), temp.resolve("zookeeper").toFile(), true);
    simulatorPort = FreePorts.freePort();
  }

  @AfterEach
  void stopAll() throws Exception {
    if (service != null) {
      service.close();
    }
    zooKeeper.close();
  }

  private ServiceInstance startService() {
    return ServiceInstance.start(
        zooKeeper.getConnectString(), simulatorPort, temp.resolve("packages"));
  }

  private static final JobKey PENDING_JOB = SimulatorFixtures.key("Pending");

  private List<ScheduledTask> activeTasks(ServiceInstance instance) {
    return activeTasks(instance, JOB);
  }

  private List<ScheduledTask> activeTasks(ServiceInstance instance, JobKey job) {
    return instance
        .context()
        .getBean(AuroraSimulator.class)
        .getTasksStatus(
            new TaskQuery()
                .setJobKeys(Set.of(job))
                .setStatuses(io.heroncp.aurora.thrift.aurora_apiConstants.ACTIVE_STATES))
        .getResult()
        .getScheduleStatusResult()
        .getTasks();
  }

  private Stat tmanagerNode(ServiceInstance instance) throws Exception {
    return instance
        .context()
        .getBean(CuratorFramework.class)
        .checkExists()
        .forPath("/heron/tmanagers/Durable");
  }

  @Test
  void submittedTopologyRunsAgainAfterARestartAndEveryVerbWorks() throws Exception {
    service = startService();
    Multipart form =
        Multipart.submit("local", "durable", null, "Durable", HeronDefinitions.SINGLE_SPOUT);
    assertThat(service.post("/api/v1/topologies", form).statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(service.state(PATH)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                activeTasks(service).stream()
                    .allMatch(task -> task.getStatus() == ScheduleStatus.RUNNING));
    List<String> taskIds =
        activeTasks(service).stream().map(t -> t.getAssignedTask().getTaskId()).sorted().toList();
    assertThat(taskIds).isNotEmpty();

    service.close();
    service = startService();

    // The same tasks, still RUNNING (not relaunched), and the topology RUNNING again.
    assertThat(activeTasks(service))
        .extracting(t -> t.getAssignedTask().getTaskId())
        .containsExactlyInAnyOrderElementsOf(taskIds);
    assertThat(activeTasks(service)).allMatch(t -> t.getStatus() == ScheduleStatus.RUNNING);
    await().atMost(Duration.ofSeconds(60)).until(() -> "RUNNING".equals(service.state(PATH)));
    await().atMost(Duration.ofSeconds(30)).until(() -> tmanagerNode(service) != null);

    assertThat(service.post(PATH + "/deactivate").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> "PAUSED".equals(service.state(PATH)));
    assertThat(service.post(PATH + "/activate").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(service.state(PATH)));

    // A session expiry takes the stand-in's ephemeral node; it is registered again.
    CuratorFramework curator = service.context().getBean(CuratorFramework.class);
    long expired = curator.getZookeeperClient().getZooKeeper().getSessionId();
    curator.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Stat stat = tmanagerNode(service);
              return stat != null
                  && stat.getEphemeralOwner() != expired
                  && stat.getEphemeralOwner()
                      == curator.getZookeeperClient().getZooKeeper().getSessionId();
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> service.post(PATH + "/deactivate").statusCode() == 200);
    await().atMost(Duration.ofSeconds(30)).until(() -> "PAUSED".equals(service.state(PATH)));

    assertThat(service.delete(PATH).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> activeTasks(service).isEmpty());
    assertThat(service.get(PATH).statusCode()).isEqualTo(404);
  }

  @Test
  void tasksInTransitionContinueTheirTimersAfterARestart() throws Exception {
    Path packages = temp.resolve("packages");
    // Long delays: the restart happens while the tasks are PENDING.
    service =
        ServiceInstance.start(
            zooKeeper.getConnectString(),
            simulatorPort,
            packages,
            "--heroncp.simulator.pending-delay=3s",
            // The fixture jobs run on a production tier: their role needs a quota.
            "--heroncp.simulator.quotas.www-data.cpus=1000",
            "--heroncp.simulator.quotas.www-data.ram-mb=10000000",
            "--heroncp.simulator.quotas.www-data.disk-mb=10000000");
    AuroraSimulator simulator = service.context().getBean(AuroraSimulator.class);
    assertThat(simulator.createJob(SimulatorFixtures.job(PENDING_JOB, 2)).getResponseCode())
        .isEqualTo(io.heroncp.aurora.thrift.ResponseCode.OK);
    assertThat(activeTasks(service, PENDING_JOB))
        .allMatch(t -> t.getStatus() == ScheduleStatus.PENDING);

    service.close();
    service = startService();

    assertThat(activeTasks(service, PENDING_JOB)).hasSize(2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                activeTasks(service, PENDING_JOB).stream()
                    .allMatch(task -> task.getStatus() == ScheduleStatus.RUNNING));
  }
}
