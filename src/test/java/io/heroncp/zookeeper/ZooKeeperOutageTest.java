package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.support.FreezableProxy;
import io.heroncp.topology.Operation;
import io.heroncp.topology.Operation.Verb;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyLocks;
import io.heroncp.topology.TopologyState;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * No call of the ZooKeeper adapter waits longer than {@code operation-timeout} when ZooKeeper stops
 * answering: the service's own client settings ({@link ZooKeeperConfiguration#clientBuilder})
 * against a real server behind a relay that freezes (requests go out, nothing comes back, as with a
 * paused server) or cuts every connection (a stopped one). Afterwards the same client works again
 * and what was written before is there.
 */
class ZooKeeperOutageTest {

  private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(2);

  /** Scheduling slack on a busy machine; the bound is the timeout, not this. */
  private static final Duration SLACK = Duration.ofMillis(700);

  private static final TopologyKey KEY = new TopologyKey("c1", "alice", "devel", "wc");

  private TestingServer server;
  private FreezableProxy proxy;
  private CuratorFramework client;
  private ZooKeeperTopologyLocks locks;
  private OperationStore operations;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true);
    proxy = new FreezableProxy(server.getPort());
    // The session timeout: the client's read timeout (2/3 of it) is longer than the budget.
    ZooKeeperProperties properties =
        TestZooKeeperProperties.of(
            proxy.connectString(), Duration.ofSeconds(4), Duration.ofSeconds(2), OPERATION_TIMEOUT);
    client = ZooKeeperConfiguration.clientBuilder(properties, proxy.connectString()).build();
    client.start();
    client.blockUntilConnected();
    locks = new ZooKeeperTopologyLocks(client, properties, Duration.ofSeconds(1));
    operations =
        new OperationStore(
            client,
            properties,
            JsonMapper.builder().build(),
            Clock.systemUTC(),
            Duration.ofHours(1));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    proxy.close();
    server.close();
  }

  @Test
  void aFrozenZooKeeperGetsAnAnswerWithinTheOperationTimeoutAndTheSameClientRecovers() {
    Operation before = operations.begin(submit());
    proxy.freeze();

    Timed lock = timed(() -> locks.acquire(KEY, Duration.ofSeconds(1)));
    Timed begin = timed(() -> operations.begin(submit()));
    Timed read = timed(() -> operations.find(before.id()));

    for (Timed call : new Timed[] {lock, begin, read}) {
      assertThat(call.failure())
          .as("%s", call)
          .isInstanceOfAny(DependencyTimeoutException.class, DependencyUnavailableException.class);
      assertThat(call.elapsed()).as("%s", call).isLessThanOrEqualTo(OPERATION_TIMEOUT.plus(SLACK));
    }
    assertThat(begin.elapsed())
        .as("the calls after the first fail at once, however Curator learns of the drop")
        .isLessThan(Duration.ofMillis(500));

    proxy.thaw();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(DependencyUnavailableException.class)
        .untilAsserted(
            () -> {
              try (TopologyLocks.Held held = locks.acquire(KEY, Duration.ofSeconds(1))) {
                assertThat(held.isHeld()).isTrue();
              }
            });
    assertThat(operations.find(before.id())).isPresent();
    // The lock node whose create went out unanswered (and landed on thawing) is not left behind.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(client.checkExists().forPath("/cp/topology-locks/c1/wc")).isNull());
  }

  @Test
  void aStoppedZooKeeperIsAnswered503AtOnceAndTheSameClientRecovers() {
    Operation before = operations.begin(submit());
    proxy.cut();
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.getZookeeperClient().isConnected());

    Timed lock = timed(() -> locks.acquire(KEY, Duration.ofSeconds(1)));
    Timed begin = timed(() -> operations.begin(submit()));

    for (Timed call : new Timed[] {lock, begin}) {
      assertThat(call.failure()).as("%s", call).isInstanceOf(DependencyUnavailableException.class);
      assertThat(call.elapsed()).as("%s", call).isLessThan(Duration.ofMillis(500));
    }

    proxy.restore();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsInstanceOf(DependencyUnavailableException.class)
        .until(() -> operations.begin(submit()) != null);
    assertThat(operations.find(before.id())).isPresent();
  }

  private static Operation submit() {
    return Operation.start(
        Verb.SUBMIT,
        new TopologyKey(
            "c1", "alice", "devel", "wc-" + UUID.randomUUID().toString().substring(0, 8)),
        Map.of(),
        "alice",
        java.time.Instant.now(),
        null,
        TopologyState.RUNNING,
        null);
  }

  private record Timed(Throwable failure, Duration elapsed) {}

  private static Timed timed(Supplier<?> call) {
    long start = System.nanoTime();
    Throwable failure = catchThrowable(call::get);
    return new Timed(failure, Duration.ofNanos(System.nanoTime() - start));
  }
}
