package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leader-only tasks on two "replicas" (two Curator clients) against one real ZooKeeper server. */
class LeaderOnlyTasksTest {

  private static final Duration INTERVAL = Duration.ofMillis(50);

  private TestingServer server;
  private CuratorFramework clientA;
  private CuratorFramework clientB;
  private LeaderOnlyTasks replicaA;
  private LeaderOnlyTasks replicaB;
  private final AtomicInteger runsA = new AtomicInteger();
  private final AtomicInteger runsB = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    clientA = newClient();
    clientB = newClient();
    replicaA = new LeaderOnlyTasks(clientA, properties(), "replica-a");
    replicaB = new LeaderOnlyTasks(clientB, properties(), "replica-b");
  }

  @AfterEach
  void stop() throws Exception {
    replicaA.close();
    replicaB.close();
    clientA.close();
    clientB.close();
    server.close();
  }

  private CuratorFramework newClient() throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(
            server.getConnectString(), 5_000, 2_000, new RetryOneTime(100));
    c.start();
    c.blockUntilConnected();
    return c;
  }

  private ZooKeeperProperties properties() {
    return TestZooKeeperProperties.of(server.getConnectString());
  }

  @Test
  void exactlyOneReplicaRunsTheTaskAndTheOtherTakesOverWhenItCloses() {
    replicaA.start(runsA::incrementAndGet, INTERVAL);
    replicaB.start(runsB::incrementAndGet, INTERVAL);

    await().atMost(Duration.ofSeconds(10)).until(() -> runsA.get() + runsB.get() >= 3);
    boolean aLeads = replicaA.isLeader();
    LeaderOnlyTasks leader = aLeads ? replicaA : replicaB;
    LeaderOnlyTasks follower = aLeads ? replicaB : replicaA;
    AtomicInteger leaderRuns = aLeads ? runsA : runsB;
    AtomicInteger followerRuns = aLeads ? runsB : runsA;
    assertThat(follower.isLeader()).isFalse();
    // The follower never runs while the leader is alive, though the leader keeps running.
    int before = leaderRuns.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> leaderRuns.get() >= before + 5);
    assertThat(followerRuns.get()).isZero();

    leader.close();

    await().atMost(Duration.ofSeconds(10)).until(follower::isLeader);
    await().atMost(Duration.ofSeconds(10)).until(() -> followerRuns.get() >= 3);
    assertThat(leader.isLeader()).isFalse();
    int stoppedAt = leaderRuns.get();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> leaderRuns.get() == stoppedAt);
  }

  @Test
  void runsStopWhileZooKeeperIsUnreachableAndResumeWhenItIsBack() throws Exception {
    replicaA.start(runsA::incrementAndGet, INTERVAL);
    await().atMost(Duration.ofSeconds(10)).until(() -> runsA.get() >= 2);

    server.stop();

    // Suspended connection = leadership given up: no run while nobody can know who leads.
    await().atMost(Duration.ofSeconds(10)).until(() -> !replicaA.isLeader());
    int stoppedAt = runsA.get();
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> runsA.get() == stoppedAt);

    server.restart();

    await().atMost(Duration.ofSeconds(20)).until(() -> runsA.get() >= stoppedAt + 2);
    assertThat(replicaA.isLeader()).isTrue();
  }

  @Test
  void aFailingRunDoesNotEndTheSchedule() {
    AtomicInteger attempts = new AtomicInteger();
    replicaA.start(
        () -> {
          attempts.incrementAndGet();
          throw new IllegalStateException("reconcile failed");
        },
        INTERVAL);

    await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 3);
  }

  @Test
  void aTaskAddedWhileLeaderStartsAtOnce() {
    replicaA.start(runsA::incrementAndGet, INTERVAL);
    await().atMost(Duration.ofSeconds(10)).until(replicaA::isLeader);

    replicaA.start(runsB::incrementAndGet, Duration.ofMillis(100));

    await().atMost(Duration.ofSeconds(5)).until(() -> runsB.get() >= 2);
  }

  @Test
  void startAfterCloseIsRejected() {
    replicaA.close();

    assertThatThrownBy(() -> replicaA.start(runsA::incrementAndGet, INTERVAL))
        .isInstanceOf(IllegalStateException.class);
    assertThat(replicaA.isLeader()).isFalse();
  }
}
