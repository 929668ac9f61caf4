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
    return TestRecords.record(name, state, T0, "op-1");
  }

  private static HeronStateNodes heron(String name) {
    return TestRecords.heron(name);
  }

  private static byte[] bytes(String s) {
    return TestRecords.bytes(s);
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
  void aStartLoadsEveryRecordAndSaysWhenItHas() throws Exception {
    // More records than the load keeps in flight at once, written by another replica.
    JsonMapper json = JsonMapper.builder().build();
    client.create().creatingParentsIfNeeded().forPath("/cp/topologies/c1");
    for (int from = 0; from < 1_200; from += 200) {
      List<org.apache.curator.framework.api.transaction.CuratorOp> ops =
          new java.util.ArrayList<>();
      for (int i = from; i < from + 200; i++) {
        ops.add(
            client
                .transactionOp()
                .create()
                .forPath(
                    "/cp/topologies/c1/bulk-" + i,
                    json.writeValueAsBytes(record("bulk-" + i, TopologyState.RUNNING))));
      }
      client.transaction().forOperations(ops);
    }
    TopologyStore fresh =
        new TopologyStore(
            client,
            TestZooKeeperProperties.of(server.getConnectString()),
            JsonMapper.builder().build());
    try {
      assertThat(fresh.loaded()).isFalse();
      // Not loaded: every package may be referenced by a record not read yet (the sweep keeps it).
      assertThat(fresh.isPackageReferenced("00".repeat(32))).isTrue();

      fresh.start();

      assertThat(fresh.loaded()).isTrue();
      assertThat(fresh.list()).hasSize(1_200);
      assertThat(fresh.find("c1", "bulk-1199"))
          .get()
          .extracting(TopologyRecord::state)
          .isEqualTo(TopologyState.RUNNING);
      assertThat(fresh.isPackageReferenced("00".repeat(32))).isFalse();
      assertThat(fresh.isPackageReferenced("ab".repeat(32))).isTrue();
    } finally {
      fresh.close();
    }
  }

  @Test
  void aNameDeletedAndSubmittedAgainElsewhereIsTheNewRecordHere() throws Exception {
    CuratorFramework otherClient = newClient();
    try (TopologyStore otherReplica = newStore(otherClient)) {
      TopologyRecord first =
          otherReplica.createSubmission(record("t12", TopologyState.SUBMITTING), heron("t12"));
      await().atMost(Duration.ofSeconds(5)).until(() -> store.find(first.key()).isPresent());

      otherReplica.delete(
          otherReplica.find(first.key()).orElseThrow(), HeronStateNodes.of("/heron", "t12"));
      TopologyRecord second =
          otherReplica.createSubmission(
              TestRecords.record("t12", TopologyState.SUBMITTING, T0, "op-second"), heron("t12"));

      TopologyKey key = second.key();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  store
                      .find(key)
                      .map(TopologyRecord::lastOperationId)
                      .orElse("")
                      .equals("op-second"));
      // And it stays: the deletion of the first one does not take the second one away late.
      Thread.sleep(300);
      assertThat(store.find(key))
          .get()
          .extracting(TopologyRecord::lastOperationId)
          .isEqualTo("op-second");
    } finally {
      otherClient.close();
    }
  }

  @Test
  void changesMadeAroundALostSessionAreLoadedAgain() throws Exception {
    TopologyRecord kept =
        store.createSubmission(record("t13", TopologyState.SUBMITTING), heron("t13"));
    TopologyRecord removed =
        store.createSubmission(record("t14", TopologyState.SUBMITTING), heron("t14"));
    CuratorFramework otherClient = newClient();
    try (TopologyStore otherReplica = newStore(otherClient)) {
      client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
      otherReplica.delete(
          otherReplica.find(removed.key()).orElseThrow(), HeronStateNodes.of("/heron", "t14"));
      TopologyRecord added =
          otherReplica.createSubmission(record("t15", TopologyState.SUBMITTING), heron("t15"));
      otherReplica.update(
          otherReplica.find(kept.key()).orElseThrow().withState(TopologyState.RUNNING, T0, "op-3"));

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                assertThat(store.find(removed.key())).isEmpty();
                assertThat(store.find(added.key())).isPresent();
                assertThat(store.find(kept.key()))
                    .get()
                    .extracting(TopologyRecord::state)
                    .isEqualTo(TopologyState.RUNNING);
              });
    } finally {
      otherClient.close();
    }
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
