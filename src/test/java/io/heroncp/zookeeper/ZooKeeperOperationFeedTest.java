package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.topology.Operation;
import io.heroncp.topology.OperationFeed;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operation feed against a real ZooKeeper: what another replica (another client) records is
 * reported here, started then ended, in order.
 */
class ZooKeeperOperationFeedTest {

  private static final TopologyKey KEY = new TopologyKey("c1", "alice", "devel", "wc");

  private TestingServer server;
  private CuratorFramework here;
  private CuratorFramework elsewhere;
  private OperationStore otherReplica;
  private ZooKeeperOperationFeed feed;
  private final List<String> reported = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    here = client();
    elsewhere = client();
    otherReplica = store(elsewhere);
    feed = new ZooKeeperOperationFeed(here, properties(), store(here));
    feed.addListener(
        new OperationFeed.Listener() {
          @Override
          public void started(Operation operation) {
            reported.add("started " + operation.verb() + " " + operation.outcome());
          }

          @Override
          public void ended(Operation operation) {
            reported.add("ended " + operation.verb() + " " + operation.outcome());
          }
        });
  }

  @AfterEach
  void stop() throws Exception {
    feed.close();
    here.close();
    elsewhere.close();
    server.close();
  }

  @Test
  void operationsAnotherReplicaRecordsAreReportedStartedThenEndedInOrder() throws Exception {
    feed.start();
    Operation first = otherReplica.begin(operation(Operation.Verb.RESTART));
    otherReplica.complete(first.succeeded(Instant.now()));
    // A fast one: begun and ended before this replica reads it.
    Operation fast = otherReplica.begin(operation(Operation.Verb.DEACTIVATE));
    otherReplica.complete(fast.failed(Instant.now(), "dependency-failed", "no topology manager"));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(reported)
                    .containsExactly(
                        "started RESTART RUNNING",
                        "ended RESTART SUCCEEDED",
                        "started DEACTIVATE RUNNING",
                        "ended DEACTIVATE FAILED"));
  }

  @Test
  void anOperationRunningBeforeTheFeedStartedIsNotNewsButItsEndIs() throws Exception {
    Operation running = otherReplica.begin(operation(Operation.Verb.UPDATE));
    feed.start();
    Operation other = otherReplica.begin(operation(Operation.Verb.ACTIVATE));

    otherReplica.complete(running.succeeded(Instant.now()));
    otherReplica.complete(other.succeeded(Instant.now()));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(reported)
                    .containsExactly(
                        "started ACTIVATE RUNNING",
                        "ended UPDATE SUCCEEDED",
                        "ended ACTIVATE SUCCEEDED"));
  }

  private static Operation operation(Operation.Verb verb) {
    return Operation.start(
        verb,
        KEY,
        Map.of(),
        "alice",
        Instant.now(),
        TopologyState.RUNNING,
        TopologyState.RUNNING,
        null);
  }

  private CuratorFramework client() throws InterruptedException {
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

  private OperationStore store(CuratorFramework c) {
    return new OperationStore(
        c, properties(), JsonMapper.builder().build(), Clock.systemUTC(), Duration.ofHours(24));
  }
}
