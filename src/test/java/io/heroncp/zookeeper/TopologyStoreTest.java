package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronStateNodes;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The store's written guarantees, proved against a real ZooKeeper server. */
class TopologyStoreTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  private TestingServer server;
  private CuratorFramework client;
  private TopologyStore store;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    client = newClient();
    store = newStore(client);
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    client.close();
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

  private TopologyStore newStore(CuratorFramework c) throws InterruptedException {
    ZooKeeperProperties properties = TestZooKeeperProperties.of(server.getConnectString());
    TopologyStore s = new TopologyStore(c, properties, JsonMapper.builder().build());
    s.start();
    return s;
  }

  private static TopologyRecord record(String name, TopologyState state) {
    return new TopologyRecord(
        new TopologyKey("c1", "alice", "devel", name),
        name + "-id",
        state,
        false,
        "alice",
        T0,
        T0,
        List.of(new TopologyRecord.ComponentSummary("spout", "SPOUT", 1)),
        new TopologyRecord.PackingSummary(name + "-id", 1, 1, 2, 2.0, 1L << 30, 1L << 30),
        "c1/alice/devel/" + name,
        new TopologyRecord.PackageRef(
            "ab".repeat(32),
            "topology.tar.gz",
            10,
            URI.create("http://127.0.0.1/api/v1/packages/x/topology.tar.gz")),
        "topology.jar",
        java.util.Map.of(),
        "op-1",
        null,
        List.of(),
        null,
        0);
  }

  private static HeronStateNodes heron(String name) {
    return new HeronStateNodes(
        new io.heroncp.heron.HeronPaths("/heron"),
        name,
        bytes("topology"),
        bytes("packing"),
        bytes("execution"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void createSubmissionWritesRecordAndHeronNodesTogether() throws Exception {
    TopologyRecord created =
        store.createSubmission(record("t1", TopologyState.SUBMITTING), heron("t1"));

    assertThat(created.version()).isZero();
    assertThat(client.getData().forPath("/heron/topologies/t1")).isEqualTo(bytes("topology"));
    assertThat(client.getData().forPath("/heron/packingplans/t1")).isEqualTo(bytes("packing"));
    assertThat(client.getData().forPath("/heron/executionstate/t1")).isEqualTo(bytes("execution"));
    assertThat(client.checkExists().forPath("/cp/topologies/c1/t1")).isNotNull();
    assertThat(store.find(new TopologyKey("c1", "alice", "devel", "t1"))).contains(created);
  }

  @Test
  void createSubmissionIsAllOrNothingWhenStaleHeronStateExists() throws Exception {
    client.create().creatingParentsIfNeeded().forPath("/heron/executionstate/t2", bytes("stale"));

    assertThatThrownBy(
            () -> store.createSubmission(record("t2", TopologyState.SUBMITTING), heron("t2")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("stale Heron state");
    assertThat(client.checkExists().forPath("/heron/topologies/t2")).isNull();
    assertThat(client.checkExists().forPath("/heron/packingplans/t2")).isNull();
    assertThat(client.checkExists().forPath("/cp/topologies/c1/t2")).isNull();
    assertThat(client.getData().forPath("/heron/executionstate/t2")).isEqualTo(bytes("stale"));
  }

  @Test
  void secondSubmissionOfANameInTheClusterConflictsEvenUnderAnotherRole() {
    store.createSubmission(record("t3", TopologyState.SUBMITTING), heron("t3"));
    TopologyRecord other =
        new TopologyRecord(
            new TopologyKey("c1", "bob", "prod", "t3"),
            "t3-other",
            TopologyState.SUBMITTING,
            false,
            "bob",
            T0,
            T0,
            List.of(),
            record("t3", TopologyState.SUBMITTING).packing(),
            "c1/bob/prod/t3",
            null,
            "topology.jar",
            java.util.Map.of(),
            "op-2",
            null,
            List.of(),
            null,
            0);

    assertThatThrownBy(() -> store.createSubmission(other, heron("t3")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void updateIsConditionalOnTheVersionRead() {
    TopologyRecord created =
        store.createSubmission(record("t4", TopologyState.SUBMITTING), heron("t4"));
    TopologyRecord running =
        store.update(created.withState(TopologyState.RUNNING, T0.plusSeconds(1), "op-2"));
    assertThat(running.version()).isEqualTo(1);

    // A writer still holding version 0 loses: no lost update.
    assertThatThrownBy(
            () -> store.update(created.withState(TopologyState.KILLING, T0.plusSeconds(2), "op-3")))
        .isInstanceOf(ConflictException.class);
    assertThat(store.find(created.key()).orElseThrow().state()).isEqualTo(TopologyState.RUNNING);
  }

  @Test
  void completeLaunchSetsStateAndCreatesTheSchedulerLocation() throws Exception {
    TopologyRecord created =
        store.createSubmission(record("t5", TopologyState.SUBMITTING), heron("t5"));

    TopologyRecord launched =
        store.completeLaunch(
            created.withState(TopologyState.RUNNING, T0, "op-1"), heron("t5"), bytes("scheduler"));

    assertThat(launched.state()).isEqualTo(TopologyState.RUNNING);
    assertThat(client.getData().forPath("/heron/schedulers/t5")).isEqualTo(bytes("scheduler"));
  }

  @Test
  void deleteRemovesEveryHeronNodeOfTheTopologyAndTheRecordButKeepsCheckpoints() throws Exception {
    TopologyRecord created =
        store.createSubmission(record("t6", TopologyState.SUBMITTING), heron("t6"));
    TopologyRecord launched =
        store.completeLaunch(
            created.withState(TopologyState.RUNNING, T0, "op-1"), heron("t6"), bytes("scheduler"));
    // What Heron's own processes add while it runs.
    client.create().creatingParentsIfNeeded().forPath("/heron/pplans/t6", bytes("pplan"));
    client.create().creatingParentsIfNeeded().forPath("/heron/tmanagers/t6", bytes("tmanager"));
    client
        .create()
        .creatingParentsIfNeeded()
        .forPath("/heron/locks/t6__updateTopology/lease-0001", bytes(""));
    client
        .create()
        .creatingParentsIfNeeded()
        .forPath("/heron/statefulcheckpoints/t6", bytes("ckpt"));
    client.create().creatingParentsIfNeeded().forPath("/heron/topologies/other", bytes("other"));

    store.delete(launched, HeronStateNodes.of("/heron", "t6"));

    for (String path :
        List.of(
            "/heron/topologies/t6",
            "/heron/packingplans/t6",
            "/heron/executionstate/t6",
            "/heron/schedulers/t6",
            "/heron/pplans/t6",
            "/heron/tmanagers/t6",
            "/heron/locks/t6__updateTopology",
            "/cp/topologies/c1/t6")) {
      assertThat(client.checkExists().forPath(path)).as(path).isNull();
    }
    assertThat(client.getData().forPath("/heron/statefulcheckpoints/t6")).isEqualTo(bytes("ckpt"));
    assertThat(client.getData().forPath("/heron/topologies/other")).isEqualTo(bytes("other"));
    assertThat(store.find(launched.key())).isEmpty();
  }

  @Test
  void deleteWithAStaleVersionRemovesNothing() throws Exception {
    TopologyRecord created =
        store.createSubmission(record("t7", TopologyState.SUBMITTING), heron("t7"));
    store.update(created.withState(TopologyState.RUNNING, T0, "op-2"));

    assertThatThrownBy(() -> store.delete(created, HeronStateNodes.of("/heron", "t7")))
        .isInstanceOf(ConflictException.class);
    assertThat(client.getData().forPath("/heron/topologies/t7")).isEqualTo(bytes("topology"));
    // The record stays as the update left it (one write after the create).
    assertThat(client.checkExists().forPath("/cp/topologies/c1/t7").getVersion()).isEqualTo(1);
  }

  @Test
  void anotherReplicasWritesReachTheCacheThroughTheWatch() throws Exception {
    CuratorFramework otherClient = newClient();
    try (TopologyStore otherReplica = newStore(otherClient)) {
      TopologyRecord created =
          otherReplica.createSubmission(record("t8", TopologyState.SUBMITTING), heron("t8"));
      await().atMost(Duration.ofSeconds(5)).until(() -> store.find(created.key()).isPresent());

      otherReplica.update(created.withState(TopologyState.RUNNING, T0, "op-2"));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  store.find(created.key()).map(TopologyRecord::state).orElse(null)
                      == TopologyState.RUNNING);

      otherReplica.delete(
          otherReplica.find(created.key()).orElseThrow(), HeronStateNodes.of("/heron", "t8"));
      await().atMost(Duration.ofSeconds(5)).until(() -> store.find(created.key()).isEmpty());
    } finally {
      otherClient.close();
    }
  }

  @Test
  void recordsSurviveARestartOfTheStore() throws Exception {
    TopologyRecord created =
        store.createSubmission(record("t9", TopologyState.SUBMITTING), heron("t9"));
    store.close();

    store = newStore(client);

    assertThat(store.find(created.key())).contains(created);
    assertThat(store.list()).extracting(r -> r.key().name()).contains("t9");
  }

  @Test
  void mutationsAnswerUnavailableWhenZooKeeperIsDown() throws Exception {
    TopologyRecord cached =
        store.createSubmission(record("t11", TopologyState.SUBMITTING), heron("t11"));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.find(cached.key()).isPresent());
    server.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !store.connected());

    assertThatThrownBy(
            () -> store.createSubmission(record("t10", TopologyState.SUBMITTING), heron("t10")))
        .isInstanceOf(DependencyUnavailableException.class);
    // Reads keep answering from the cache.
    assertThat(store.list()).contains(cached);
    server.restart();
  }
}
