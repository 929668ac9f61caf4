package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heroncp.problems.BusyException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyLocks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topology locks between two "replicas" (two Curator clients) on one real ZooKeeper server. */
class TopologyLocksTest {

  private static final TopologyKey WORD_COUNT = new TopologyKey("c1", "alice", "devel", "wc");

  /** Same cluster and name, another role: the same topology name, so the same lock. */
  private static final TopologyKey WORD_COUNT_OTHER_ROLE =
      new TopologyKey("c1", "bob", "prod", "wc");

  private static final Duration SESSION_TIMEOUT = Duration.ofMillis(1_500);

  private TestingServer server;
  private CuratorFramework replicaA;
  private CuratorFramework replicaB;
  private TopologyLocks locksA;
  private TopologyLocks locksB;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void start() throws Exception {
    // A short tick lets the server accept (and expire) short sessions.
    server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 100, -1), true);
    replicaA = newClient();
    replicaB = newClient();
    locksA = new ZooKeeperTopologyLocks(replicaA, properties(), Duration.ofSeconds(3));
    locksB = new ZooKeeperTopologyLocks(replicaB, properties(), Duration.ofSeconds(3));
  }

  @AfterEach
  void stop() throws Exception {
    threads.shutdownNow();
    replicaA.close();
    replicaB.close();
    server.close();
  }

  private CuratorFramework newClient() throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(
            server.getConnectString(),
            (int) SESSION_TIMEOUT.toMillis(),
            1_000,
            new RetryOneTime(100));
    c.start();
    c.blockUntilConnected();
    return c;
  }

  /** Until a waiter watches the held lock node: a thread waiting inside acquire, not holding. */
  private void awaitQueued() {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Thread.getAllStackTraces().values().stream()
                    .anyMatch(
                        stack ->
                            stack.length > 0
                                && java.util.Arrays.stream(stack)
                                    .anyMatch(
                                        f ->
                                            f.getClassName()
                                                    .equals(ZooKeeperTopologyLocks.class.getName())
                                                && f.getMethodName().equals("acquire"))
                                && java.util.Arrays.stream(stack)
                                    .anyMatch(f -> f.getClassName().contains("CountDownLatch"))));
  }

  private ZooKeeperProperties properties() {
    return TestZooKeeperProperties.of(
        server.getConnectString(), SESSION_TIMEOUT, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void aSecondReplicaWaitsAtMostMaxWaitAndGetsBusyWithRetryAfter() {
    try (TopologyLocks.Held held = locksA.acquire(WORD_COUNT, Duration.ofSeconds(1))) {
      assertThat(held.isHeld()).isTrue();
      long started = System.nanoTime();

      assertThatThrownBy(() -> locksB.acquire(WORD_COUNT_OTHER_ROLE, Duration.ofMillis(300)))
          .isInstanceOfSatisfying(
              BusyException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(3))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("busy");

      Duration waited = Duration.ofNanos(System.nanoTime() - started);
      assertThat(waited).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    }
  }

  @Test
  void everyReplicaSeesSinceWhenTheOldestHeldLockIsHeld() throws Exception {
    assertThat(locksB.oldestHeldSince()).isEmpty();
    java.time.Instant before = java.time.Instant.now().minusSeconds(5);
    try (TopologyLocks.Held first = locksA.acquire(WORD_COUNT, Duration.ofSeconds(1))) {
      java.time.Instant since = locksB.oldestHeldSince().orElseThrow();
      assertThat(since).isBetween(before, java.time.Instant.now().plusSeconds(5));
      try (TopologyLocks.Held later =
          locksB.acquire(new TopologyKey("c2", "alice", "devel", "other"), Duration.ofSeconds(1))) {
        assertThat(locksA.oldestHeldSince()).contains(since);
      }
    }
    assertThat(locksA.oldestHeldSince()).isEmpty();
  }

  @Test
  void otherTopologiesAreNotBlocked() {
    try (TopologyLocks.Held held = locksA.acquire(WORD_COUNT, Duration.ofSeconds(1));
        TopologyLocks.Held other =
            locksB.acquire(
                new TopologyKey("c1", "alice", "devel", "other"), Duration.ofMillis(500));
        TopologyLocks.Held sameNameOtherCluster =
            locksB.acquire(new TopologyKey("c2", "alice", "devel", "wc"), Duration.ofMillis(500))) {
      assertThat(other.isHeld()).isTrue();
      assertThat(sameNameOtherCluster.isHeld()).isTrue();
    }
  }

  @Test
  void closingReleasesTheLockToTheWaitingReplica() throws Exception {
    TopologyLocks.Held held = locksA.acquire(WORD_COUNT, Duration.ofSeconds(1));
    CompletableFuture<TopologyLocks.Held> waiter =
        CompletableFuture.supplyAsync(
            () -> locksB.acquire(WORD_COUNT, Duration.ofSeconds(10)), threads);
    // The waiter watches the holder's node, not holding.
    awaitQueued();
    assertThat(waiter).isNotDone();

    held.close();
    held.close(); // idempotent

    TopologyLocks.Held got = waiter.get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(got.key()).isEqualTo(WORD_COUNT);
    assertThat(held.isHeld()).isFalse();
    got.close();
  }

  @Test
  void threadsOfOneReplicaExcludeEachOtherAndTheLockIsNotReentrant() throws Exception {
    try (TopologyLocks.Held held = locksA.acquire(WORD_COUNT, Duration.ofSeconds(1))) {
      CompletableFuture<Throwable> otherThread =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  locksA.acquire(WORD_COUNT, Duration.ofMillis(200)).close();
                  return null;
                } catch (RuntimeException e) {
                  return e;
                }
              },
              threads);
      assertThat(otherThread.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .isInstanceOf(BusyException.class);
      assertThatThrownBy(() -> locksA.acquire(WORD_COUNT, Duration.ofMillis(200)))
          .isInstanceOf(BusyException.class);
      assertThat(held.isHeld()).isTrue();
    }
  }

  @Test
  void theLockIsReleasedWhenTheHoldersSessionDies() throws Exception {
    AtomicReference<TopologyLocks.Held> held =
        new AtomicReference<>(locksA.acquire(WORD_COUNT, Duration.ofSeconds(1)));
    CompletableFuture<TopologyLocks.Held> waiter =
        CompletableFuture.supplyAsync(
            () -> locksB.acquire(WORD_COUNT, Duration.ofSeconds(20)), threads);
    awaitQueued();
    assertThat(waiter).isNotDone();

    // Replica A "crashes": its client stops talking without closing the session; the server expires
    // it.
    replicaA.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

    TopologyLocks.Held got = waiter.get(15, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(got.key()).isEqualTo(WORD_COUNT);
    held.get().close(); // the former holder's release must not throw
    threads.submit(got::close).get();
  }

  @Test
  void withoutZooKeeperAcquireAnswersUnavailable() throws Exception {
    server.stop();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !replicaA.getZookeeperClient().isConnected());

    assertThatThrownBy(() -> locksA.acquire(WORD_COUNT, Duration.ofSeconds(1)))
        .isInstanceOf(DependencyUnavailableException.class);
  }
}
