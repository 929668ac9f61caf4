package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.NotFoundException;
import io.heroncp.topology.IdempotencyKeyUsedException;
import io.heroncp.topology.Operation;
import io.heroncp.topology.Operation.Outcome;
import io.heroncp.topology.Operation.Verb;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyState;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The operation store's written guarantees, proved against a real ZooKeeper server. */
class OperationStoreTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final TopologyKey KEY = new TopologyKey("c1", "alice", "devel", "wc");
  private static final Duration TTL = Duration.ofHours(24);
  private static final String SCOPE =
      OperationStore.scope("POST", "/api/v1/topologies/c1/alice/devel/wc/restart");

  private TestingServer server;
  private CuratorFramework client;
  private OperationStore store;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    client = newClient();
    store = newStore(client, Clock.systemUTC());
  }

  @AfterEach
  void stop() throws Exception {
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

  private OperationStore newStore(CuratorFramework c, Clock clock) {
    ZooKeeperProperties properties = TestZooKeeperProperties.of(server.getConnectString());
    return new OperationStore(c, properties, JsonMapper.builder().build(), clock, TTL);
  }

  private static Operation restart(String idempotencyKey) {
    return Operation.start(
        Verb.RESTART,
        KEY,
        Map.of("container", "1"),
        "alice",
        T0,
        TopologyState.RUNNING,
        TopologyState.RUNNING,
        idempotencyKey);
  }

  @Test
  void beginStoresTheOperationItsHistoryEntryAndItsUnfinishedMarkerAndReadsBackEqual()
      throws Exception {
    Operation begun = store.begin(restart(null));

    assertThat(begun.version()).isZero();
    assertThat(store.find(begun.id())).contains(begun);
    assertThat(client.getChildren().forPath("/cp/history/c1/wc"))
        .singleElement()
        .satisfies(
            child ->
                assertThat(
                        new String(
                            client.getData().forPath("/cp/history/c1/wc/" + child),
                            StandardCharsets.UTF_8))
                    .isEqualTo(begun.id()));
    assertThat(client.checkExists().forPath("/cp/unfinished/" + begun.id())).isNotNull();
    assertThat(store.unfinished()).containsExactly(begun);
  }

  @Test
  void storedJsonLeavesTheVersionOut() throws Exception {
    Operation begun = store.begin(restart(null));

    String stored =
        new String(
            client.getData().forPath("/cp/operations/" + begun.id()), StandardCharsets.UTF_8);
    assertThat(stored).contains("\"verb\":\"RESTART\"").doesNotContain("version");
  }

  @Test
  void beginIsAllOrNothingWhenTheIdempotencyEntryIsTaken() throws Exception {
    Operation first = store.begin(restart("key-1"), SCOPE);
    Operation second = restart("key-1");

    assertThatThrownBy(() -> store.begin(second, SCOPE))
        .isInstanceOfSatisfying(
            IdempotencyKeyUsedException.class,
            e -> assertThat(e.operationId()).isEqualTo(first.id()))
        .isInstanceOf(ConflictException.class);

    assertThat(store.find(second.id())).isEmpty();
    assertThat(client.checkExists().forPath("/cp/unfinished/" + second.id())).isNull();
    assertThat(store.history("c1", "wc")).containsExactly(first);
  }

  @Test
  void theSameKeyOnAnotherPathIsAnotherEntry() {
    Operation first = store.begin(restart("key-1"), SCOPE);
    Operation other =
        store.begin(
            restart("key-1"),
            OperationStore.scope("POST", "/api/v1/topologies/c1/alice/devel/wc/update"));

    assertThat(store.findByIdempotencyKey("key-1", SCOPE)).contains(first);
    assertThat(
            store.findByIdempotencyKey(
                "key-1",
                OperationStore.scope("POST", "/api/v1/topologies/c1/alice/devel/wc/update")))
        .contains(other);
    assertThat(store.findByIdempotencyKey("key-2", SCOPE)).isEmpty();
  }

  @Test
  void ofConcurrentBeginsWithOneKeyExactlyOneSucceedsAndTheOthersNameIt() throws Exception {
    int racers = 8;
    List<CuratorFramework> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Operation>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        CuratorFramework replica = newClient();
        clients.add(replica);
        OperationStore replicaStore = newStore(replica, Clock.systemUTC());
        Callable<Operation> begin =
            () -> {
              go.await();
              return replicaStore.begin(restart("raced"), SCOPE);
            };
        results.add(pool.submit(begin));
      }
      go.countDown();
      List<Operation> winners = new ArrayList<>();
      List<String> namedWinners = new ArrayList<>();
      for (Future<Operation> result : results) {
        try {
          winners.add(result.get(20, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(IdempotencyKeyUsedException.class);
          namedWinners.add(((IdempotencyKeyUsedException) e.getCause()).operationId());
        }
      }
      assertThat(winners).hasSize(1);
      assertThat(namedWinners).hasSize(racers - 1).containsOnly(winners.get(0).id());
      assertThat(store.history("c1", "wc")).containsExactly(winners.get(0));
      assertThat(store.findByIdempotencyKey("raced", SCOPE)).contains(winners.get(0));
    } finally {
      pool.shutdownNow();
      clients.forEach(CuratorFramework::close);
    }
  }

  @Test
  void completeIsConditionalOnTheVersionRead() {
    Operation begun = store.begin(restart(null));
    Operation done = store.complete(begun.succeeded(T0.plusSeconds(5)));

    assertThat(done.version()).isEqualTo(1);
    assertThat(store.find(begun.id())).contains(done);
    assertThat(done.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(done.endedAt()).isEqualTo(T0.plusSeconds(5));

    // A second writer still holding version 0 must not overwrite the outcome.
    assertThatThrownBy(
            () ->
                store.complete(
                    begun.failed(T0.plusSeconds(6), "dependency-failed", "Aurora said no")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("changed concurrently");
    assertThat(store.find(begun.id()).orElseThrow().outcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void completeRemovesTheOperationFromUnfinishedAndKeepsTheError() {
    Operation running = store.begin(restart(null));
    Operation other = store.begin(restart(null));

    Operation rolledBack =
        store.complete(
            running.rolledBack(T0.plusSeconds(1), "dependency-failed", "Aurora refused"));

    assertThat(store.unfinished()).containsExactly(other);
    assertThat(store.find(running.id()).orElseThrow().error())
        .isEqualTo(new Operation.Problem("dependency-failed", "Aurora refused"));
    assertThat(rolledBack.outcome()).isEqualTo(Outcome.ROLLED_BACK);
  }

  @Test
  void completeRejectsARunningOperationAndAnUnknownOne() {
    Operation begun = store.begin(restart(null));

    assertThatThrownBy(() -> store.complete(begun)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.complete(restart(null).succeeded(T0)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void historyIsNewestFirstAndSurvivesWhenTheTopologyIsGone() throws Exception {
    Operation submit =
        store.begin(
            Operation.start(
                Verb.SUBMIT, KEY, Map.of(), "alice", T0, null, TopologyState.RUNNING, null));
    Operation restart = store.begin(restart(null));
    Operation kill =
        store.begin(
            Operation.start(
                Verb.KILL,
                KEY,
                Map.of(),
                "alice",
                T0.plusSeconds(9),
                TopologyState.RUNNING,
                TopologyState.KILLED,
                null));
    store.begin(
        Operation.start(
            Verb.SUBMIT,
            new TopologyKey("c1", "alice", "devel", "other"),
            Map.of(),
            "alice",
            T0,
            null,
            TopologyState.RUNNING,
            null));
    // The topology record being deleted does not touch operations or history.
    client.create().creatingParentsIfNeeded().forPath("/cp/topologies/c1/wc");
    client.delete().forPath("/cp/topologies/c1/wc");

    assertThat(store.history("c1", "wc"))
        .extracting(Operation::id)
        .containsExactly(kill.id(), restart.id(), submit.id());
    assertThat(store.history("c1", "wc", 2))
        .extracting(Operation::id)
        .containsExactly(kill.id(), restart.id());
    assertThat(store.history("c1", "never")).isEmpty();
  }

  @Test
  void findOfAnUnknownOrMalformedIdIsEmpty() {
    assertThat(store.find("3f0c1c55-0000-0000-0000-000000000000")).isEmpty();
    assertThat(store.find("../topologies")).isEmpty();
  }

  @Test
  void pruneHistoryKeepsTheNewestEntriesAndRemovesOlderEndedOperationsWithTheirEntries()
      throws Exception {
    List<Operation> begun = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Operation operation = store.begin(restart(null));
      begun.add(store.complete(operation.succeeded(T0.plusSeconds(i))));
    }
    Operation otherTopology =
        store.complete(
            store
                .begin(
                    Operation.start(
                        Verb.RESTART,
                        new TopologyKey("c1", "alice", "devel", "other"),
                        Map.of(),
                        "alice",
                        T0,
                        TopologyState.RUNNING,
                        TopologyState.RUNNING,
                        null))
                .succeeded(T0));
    // Ended at T0..T0+4s; a day later none is needed for idempotent retries any more.
    OperationStore dayLater =
        newStore(client, Clock.fixed(T0.plus(TTL).plusSeconds(10), java.time.ZoneOffset.UTC));

    assertThat(dayLater.pruneHistory(2)).isEqualTo(3);

    assertThat(store.history("c1", "wc"))
        .extracting(Operation::id)
        .containsExactly(begun.get(4).id(), begun.get(3).id());
    assertThat(client.getChildren().forPath("/cp/history/c1/wc")).hasSize(2);
    for (Operation removed : begun.subList(0, 3)) {
      assertThat(store.find(removed.id())).isEmpty();
    }
    assertThat(store.find(otherTopology.id())).isPresent();
    assertThat(dayLater.pruneHistory(2)).isZero();
  }

  @Test
  void pruneHistoryKeepsOperationsARetryMayStillAskForAndRunningOnes() throws Exception {
    Operation running = store.begin(restart(null));
    Operation recent = store.complete(store.begin(restart(null)).succeeded(T0.plus(TTL)));
    store.complete(store.begin(restart(null)).succeeded(T0.plus(TTL)));
    OperationStore later =
        newStore(client, Clock.fixed(T0.plus(TTL).plusSeconds(60), java.time.ZoneOffset.UTC));

    // The oldest is still RUNNING: nothing behind it goes either, so the history has no holes.
    assertThat(later.pruneHistory(1)).isZero();
    store.complete(running.succeeded(T0));

    // Now the oldest goes; the next ended a minute ago, within the idempotency TTL, and stays.
    assertThat(later.pruneHistory(1)).isEqualTo(1);
    assertThat(store.find(running.id())).isEmpty();
    assertThat(store.find(recent.id())).isPresent();
    assertThat(store.history("c1", "wc")).hasSize(2);
  }

  @Test
  void expiredIdempotencyEntriesAreNotHonouredAndAreRemovedByTheCleanup() throws Exception {
    Operation old = store.begin(restart("old-key"), SCOPE);
    OperationStore dayLater = newStore(client, Clock.offset(Clock.systemUTC(), TTL.plusMinutes(1)));

    assertThat(store.removeExpiredIdempotencyEntries()).isZero();
    assertThat(store.findByIdempotencyKey("old-key", SCOPE)).contains(old);
    assertThat(dayLater.findByIdempotencyKey("old-key", SCOPE)).isEmpty();

    assertThat(dayLater.removeExpiredIdempotencyEntries()).isEqualTo(1);

    assertThat(client.getChildren().forPath("/cp/idempotency")).isEmpty();
    assertThat(store.findByIdempotencyKey("old-key", SCOPE)).isEmpty();
    assertThat(store.find(old.id())).contains(old);
  }

  @Test
  void anExpiredEntryNotYetCleanedUpIsReplacedByANewBegin() {
    Operation old = store.begin(restart("reused"), SCOPE);
    OperationStore dayLater = newStore(client, Clock.offset(Clock.systemUTC(), TTL.plusMinutes(1)));

    Operation again = dayLater.begin(restart("reused"), SCOPE);

    assertThat(again.id()).isNotEqualTo(old.id());
    assertThat(store.findByIdempotencyKey("reused", SCOPE)).contains(again);
  }

  @Test
  void beginWithoutZooKeeperChangesNothingAndAnswersUnavailable() throws Exception {
    server.stop();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !client.getZookeeperClient().isConnected());

    assertThatThrownBy(() -> store.begin(restart("k"), SCOPE))
        .isInstanceOf(DependencyUnavailableException.class);
  }

  @Test
  void anOperationLargerThanAZooKeeperNodeIsRefusedNamingTheFieldAndNothingIsWritten()
      throws Exception {
    Operation huge =
        Operation.start(
            Verb.UPDATE,
            KEY,
            Map.of("component_parallelism." + "c".repeat(1_100_000), "3"),
            "alice",
            T0,
            TopologyState.RUNNING,
            TopologyState.RUNNING,
            null);

    assertThatThrownBy(() -> store.begin(huge))
        .isInstanceOf(io.heroncp.problems.PayloadTooLargeException.class)
        .hasFieldOrPropertyWithValue("field", "component_parallelism");
    assertThat(client.checkExists().forPath("/cp/operations/" + huge.id())).isNull();
    assertThat(store.unfinished()).isEmpty();
  }

  @Test
  void anOperationThatCannotBeReadBackIsSetAsideOnceAndTheRestStayReadable() throws Exception {
    Operation good = store.begin(restart(null));
    String id = "0b0b0b0b-0000-4000-8000-000000000001";
    byte[] unreadable =
        ("{\"id\":\""
                + id
                + "\",\"key\":{\"cluster\":\"c1\",\"role\":\"alice\",\"environment\":\"devel\","
                + "\"name\":\"wc\"},\"parameters\":{\""
                + "n".repeat(60_000)
                + "\":\"1\"}}")
            .getBytes(StandardCharsets.UTF_8);
    client.create().creatingParentsIfNeeded().forPath("/cp/operations/" + id, unreadable);
    client.create().creatingParentsIfNeeded().forPath("/cp/unfinished/" + id);
    List<io.heroncp.topology.Quarantine.Unreadable> setAside = new ArrayList<>();
    store.setQuarantine(setAside::add);

    assertThat(store.unfinished()).extracting(Operation::id).containsExactly(good.id());
    assertThat(store.find(id)).isEmpty();
    assertThat(store.unfinished()).extracting(Operation::id).containsExactly(good.id());

    assertThat(setAside).hasSize(1);
    assertThat(setAside.get(0).key()).isEqualTo(KEY);
    assertThat(setAside.get(0).unfinished()).isTrue();
    assertThat(client.checkExists().forPath("/cp/quarantine/" + id)).isNotNull();
    assertThat(client.checkExists().forPath("/cp/unfinished/" + id)).isNull();
  }
}
