package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.heron.HeronStateNodes;
import io.heroncp.problems.ConflictException;
import io.heroncp.topology.IdempotencyKeyUsedException;
import io.heroncp.topology.Operation;
import io.heroncp.topology.SubmitJournal;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A submit's intent and launch against a real ZooKeeper server: each one transaction over records
 * and operations, all or nothing, and what a failed transaction means.
 */
class ZooKeeperSubmitJournalTest {

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final String SCOPE = OperationStore.scope("POST", "/api/v1/topologies");

  private TestingServer server;
  private CuratorFramework client;
  private TopologyStore records;
  private OperationStore operations;
  private SubmitJournal journal;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    client =
        CuratorFrameworkFactory.newClient(
            server.getConnectString(), 5_000, 2_000, new RetryOneTime(100));
    client.start();
    client.blockUntilConnected();
    ZooKeeperProperties properties = properties();
    JsonMapper json = JsonMapper.builder().build();
    records = new TopologyStore(client, properties, json);
    records.start();
    operations =
        new OperationStore(client, properties, json, Clock.systemUTC(), Duration.ofHours(1));
    journal = new ZooKeeperSubmitJournal(client, records, operations, properties);
  }

  @AfterEach
  void stop() throws Exception {
    records.close();
    client.close();
    server.close();
  }

  private static TopologyKey key(String name) {
    return TestRecords.key(name);
  }

  private static Operation submit(String name, String idempotencyKey) {
    return Operation.start(
        Operation.Verb.SUBMIT,
        key(name),
        Map.of(),
        "alice",
        T0,
        null,
        TopologyState.RUNNING,
        idempotencyKey);
  }

  private static TopologyRecord submitting(String name, String operationId) {
    return TestRecords.record(name, TopologyState.SUBMITTING, T0, operationId);
  }

  private static HeronStateNodes heron(String name) {
    return TestRecords.heron(name);
  }

  private static byte[] bytes(String s) {
    return TestRecords.bytes(s);
  }

  /**
   * The nodes a submit writes (operations, markers, idempotency and history entries, records,
   * Heron's nodes), for "nothing was written" checks; parent directories, created once and kept,
   * are not among them.
   */
  private List<String> tree() throws Exception {
    List<String> nodes = new ArrayList<>();
    for (String root : List.of("/cp", "/heron")) {
      walk(root, nodes);
    }
    return nodes.stream()
        .filter(
            n ->
                n.matches("/cp/(operations|unfinished|idempotency)/[^/]+")
                    || n.matches("/cp/history/[^/]+/[^/]+/op-\\d+")
                    || n.matches("/cp/topologies/[^/]+/[^/]+")
                    || n.matches("/heron/[^/]+/[^/]+"))
        .sorted()
        .toList();
  }

  private void walk(String path, List<String> nodes) throws Exception {
    if (client.checkExists().forPath(path) == null) {
      return;
    }
    nodes.add(path);
    for (String child : client.getChildren().forPath(path)) {
      walk(path + "/" + child, nodes);
    }
  }

  @Test
  void theIntentRecordsTheOperationTheRecordAndHeronsNodesAndTheLaunchEndsItAll() throws Exception {
    Operation operation = submit("wc", "key-1");

    SubmitJournal.Intent intent =
        journal.recordIntent(operation, SCOPE, submitting("wc", operation.id()), heron("wc"));

    assertThat(intent.operation().version()).isZero();
    assertThat(intent.record().version()).isZero();
    assertThat(operations.find(operation.id()))
        .get()
        .extracting(Operation::outcome)
        .isEqualTo(Operation.Outcome.RUNNING);
    assertThat(operations.unfinished()).extracting(Operation::id).containsExactly(operation.id());
    assertThat(operations.history("c1", "wc"))
        .extracting(Operation::id)
        .containsExactly(operation.id());
    assertThat(operations.findByIdempotencyKey("key-1", SCOPE)).isPresent();
    assertThat(records.read(key("wc")))
        .get()
        .extracting(TopologyRecord::state)
        .isEqualTo(TopologyState.SUBMITTING);
    assertThat(client.checkExists().forPath("/heron/topologies/wc")).isNotNull();
    assertThat(client.checkExists().forPath("/heron/executionstate/wc")).isNotNull();

    TopologyRecord launched =
        intent.record().settling(TopologyState.STARTING, TopologyState.RUNNING, T0, operation.id());
    SubmitJournal.Launch launch =
        journal.recordLaunch(
            launched, heron("wc"), bytes("location"), intent.operation().succeeded(T0));

    assertThat(launch.record().version()).isEqualTo(1);
    assertThat(launch.record().state()).isEqualTo(TopologyState.STARTING);
    assertThat(records.find(key("wc"))).contains(launch.record());
    assertThat(launch.operation().outcome()).isEqualTo(Operation.Outcome.SUCCEEDED);
    assertThat(operations.find(operation.id()))
        .get()
        .extracting(Operation::outcome)
        .isEqualTo(Operation.Outcome.SUCCEEDED);
    assertThat(operations.unfinished()).isEmpty();
    assertThat(client.getData().forPath("/heron/schedulers/wc")).isEqualTo(bytes("location"));
  }

  @Test
  void aNameWithHistoryIsSubmittedAgainAndTheHistoryContinues() throws Exception {
    Operation first = submit("wc", null);
    SubmitJournal.Intent intent =
        journal.recordIntent(first, SCOPE, submitting("wc", first.id()), heron("wc"));
    records.delete(intent.record(), heron("wc"));
    operations.complete(intent.operation().succeeded(T0));
    // Another replica (no knowledge of the existing history directory) submits the name again.
    SubmitJournal other = new ZooKeeperSubmitJournal(client, records, operations, properties());

    Operation second = submit("wc", null);
    other.recordIntent(second, SCOPE, submitting("wc", second.id()), heron("wc"));

    assertThat(operations.history("c1", "wc"))
        .extracting(Operation::id)
        .containsExactly(second.id(), first.id());
  }

  @Test
  void aTakenNameIsAConflictAndNothingIsWritten() throws Exception {
    Operation first = submit("wc", null);
    journal.recordIntent(first, SCOPE, submitting("wc", first.id()), heron("wc"));
    List<String> before = tree();

    Operation second = submit("wc", "key-2");
    assertThatThrownBy(
            () -> journal.recordIntent(second, SCOPE, submitting("wc", second.id()), heron("wc")))
        .isInstanceOf(ConflictException.class)
        .isNotInstanceOf(IdempotencyKeyUsedException.class)
        .hasMessageContaining("already exists");

    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void staleHeronStateOfTheNameIsAConflictAndNothingIsWritten() throws Exception {
    client.create().creatingParentsIfNeeded().forPath("/heron/topologies/wc", bytes("stale"));
    List<String> before = tree();

    Operation operation = submit("wc", null);
    assertThatThrownBy(
            () ->
                journal.recordIntent(
                    operation, SCOPE, submitting("wc", operation.id()), heron("wc")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("stale Heron state");

    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void aKeyThatAnotherOperationOwnsNamesItsOwnerAndNothingIsWritten() throws Exception {
    Operation owner = submit("other", "key-1");
    journal.recordIntent(owner, SCOPE, submitting("other", owner.id()), heron("other"));
    List<String> before = tree();

    Operation operation = submit("wc", "key-1");
    assertThatThrownBy(
            () ->
                journal.recordIntent(
                    operation, SCOPE, submitting("wc", operation.id()), heron("wc")))
        .isInstanceOfSatisfying(
            IdempotencyKeyUsedException.class,
            e -> assertThat(e.operationId()).isEqualTo(owner.id()));

    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void aLaunchFinishedMeanwhileByTheReconcilerKeepsItsSchedulerLocationAndMarkerRemoval()
      throws Exception {
    Operation operation = submit("wc", null);
    SubmitJournal.Intent intent =
        journal.recordIntent(operation, SCOPE, submitting("wc", operation.id()), heron("wc"));
    // The scheduler location exists and the marker is gone (e.g. an earlier attempt's writes).
    client.create().creatingParentsIfNeeded().forPath("/heron/schedulers/wc", bytes("earlier"));
    client.delete().forPath("/cp/unfinished/" + operation.id());

    SubmitJournal.Launch launch =
        journal.recordLaunch(
            intent
                .record()
                .settling(TopologyState.STARTING, TopologyState.RUNNING, T0, operation.id()),
            heron("wc"),
            bytes("location"),
            intent.operation().succeeded(T0));

    assertThat(launch.operation().outcome()).isEqualTo(Operation.Outcome.SUCCEEDED);
    assertThat(client.getData().forPath("/heron/schedulers/wc")).isEqualTo(bytes("earlier"));
  }

  @Test
  void aLaunchOfARecordChangedMeanwhileIsAConflictAndEndsNothing() throws Exception {
    Operation operation = submit("wc", null);
    SubmitJournal.Intent intent =
        journal.recordIntent(operation, SCOPE, submitting("wc", operation.id()), heron("wc"));
    records.update(intent.record().withState(TopologyState.KILLING, T0, "other-op"));

    assertThatThrownBy(
            () ->
                journal.recordLaunch(
                    intent
                        .record()
                        .settling(
                            TopologyState.STARTING, TopologyState.RUNNING, T0, operation.id()),
                    heron("wc"),
                    bytes("location"),
                    intent.operation().succeeded(T0)))
        .isInstanceOf(ConflictException.class);

    assertThat(operations.find(operation.id()))
        .get()
        .extracting(Operation::outcome)
        .isEqualTo(Operation.Outcome.RUNNING);
    assertThat(client.checkExists().forPath("/heron/schedulers/wc")).isNull();
  }

  private ZooKeeperProperties properties() {
    return TestZooKeeperProperties.of(server.getConnectString());
  }
}
