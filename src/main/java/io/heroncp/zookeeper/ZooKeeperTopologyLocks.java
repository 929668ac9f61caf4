package io.heroncp.zookeeper;

import io.heroncp.problems.BusyException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyLocks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lock per topology (by cluster and name) across all replicas of the service: Curator's {@link
 * InterProcessMutex} at {@code <root>/locks/<cluster>/<name>}, so at most one lifecycle operation
 * changes a topology at a time.
 *
 * <p>Guarantees and rules:
 *
 * <ul>
 *   <li>Mutual exclusion between replicas AND between threads of one replica: every {@link
 *       #acquire} takes a new mutex, waiting in ZooKeeper's fair (first come, first served) queue.
 *   <li>Not reentrant: a thread that holds a topology's lock and acquires it again waits for itself
 *       and gets {@link BusyException} after {@code maxWait}. Take the lock once, at the top of an
 *       operation.
 *   <li>{@link Held#close()} must run on the thread that acquired (try-with-resources does that);
 *       it is idempotent and never throws.
 *   <li>The lock lives as long as the holder's ZooKeeper session: when the holder's replica dies,
 *       or its session expires, the lock is released (its ephemeral node goes) and the next waiter
 *       gets it. The holder is NOT interrupted then; every write it still makes stays conditional
 *       on versions (the stores' compare-and-set), so the lock is an optimisation against wasted
 *       work, not the last guard.
 * </ul>
 *
 * Thread-safe.
 */
public class ZooKeeperTopologyLocks implements TopologyLocks {

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperTopologyLocks.class);

  private final CuratorFramework client;
  private final String locksRoot;
  private final Duration retryAfter;
  private final Duration operationTimeout;

  /** Lock nodes whose create failed without an answer, by the token written into them. */
  private final Set<Abandoned> abandoned = ConcurrentHashMap.newKeySet();

  private final Executor cleaner =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "topology-lock-cleaner");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param retryAfter what {@link BusyException#retryAfterSeconds()} tells a caller who did not get
   *     the lock (rounded up to whole seconds, at least 1)
   */
  public ZooKeeperTopologyLocks(
      CuratorFramework client, ZooKeeperProperties properties, Duration retryAfter) {
    this.client = client;
    this.locksRoot = properties.root() + "/locks";
    this.retryAfter = retryAfter;
    this.operationTimeout = properties.operationTimeout();
    client
        .getConnectionStateListenable()
        .addListener(
            (c, state) -> {
              if (state == ConnectionState.RECONNECTED && !abandoned.isEmpty()) {
                cleaner.execute(this::removeAbandoned);
              }
            });
  }

  /**
   * Waits at most {@code maxWait} for the topology's lock.
   *
   * @return the held lock; close it (on this thread) to release
   * @throws BusyException another operation held it for all of {@code maxWait}
   * @throws DependencyUnavailableException ZooKeeper is not connected, or the connection failed
   *     while waiting
   */
  @Override
  public Held acquire(TopologyKey key, Duration maxWait) {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      String path = lockPath(key);
      ZooKeeperFailures.requireConnected(client, "locking topology " + key);
      removeAbandoned(path);
      TokenMutex mutex = new TokenMutex(client, path);
      boolean acquired;
      try {
        acquired = mutex.acquire(Math.max(0, maxWait.toMillis()), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // The lock node's create may still be applied (a request that timed out): remember it, so
        // it is deleted rather than holding the topology for as long as this replica's session.
        abandoned.add(new Abandoned(path, mutex.token, sessionId(), System.nanoTime()));
        throw ZooKeeperFailures.translate(client, "locking topology " + key, e);
      }
      if (!acquired) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        throw new BusyException(
            "Topology " + key + " is busy with another operation; retry in " + seconds + " seconds",
            seconds);
      }
      log.debug("Locked topology {}", key);
      return new MutexHeld(mutex, key, path);
    }
  }

  /**
   * Deletes this replica's abandoned lock nodes (see {@link #acquire}) that have appeared; forgets
   * those of an earlier session (gone with it). Best effort: a failure leaves them for the next
   * call.
   */
  void removeAbandoned() {
    for (Abandoned entry : abandoned) {
      removeAbandoned(entry.lockPath());
    }
  }

  private void removeAbandoned(String lockPath) {
    if (abandoned.isEmpty()) {
      return;
    }
    long session = sessionId();
    for (Abandoned entry : abandoned) {
      if (!entry.lockPath().equals(lockPath)) {
        continue;
      }
      if (entry.sessionId() != session) {
        abandoned.remove(entry);
        continue;
      }
      try {
        boolean found = false;
        for (String child : client.getChildren().forPath(lockPath)) {
          String node = lockPath + "/" + child;
          Stat stat = new Stat();
          byte[] data = client.getData().storingStatIn(stat).forPath(node);
          if (Arrays.equals(data, entry.token())) {
            client.delete().withVersion(stat.getVersion()).forPath(node);
            log.info("Removed an abandoned lock node {} of this replica", node);
            found = true;
          }
        }
        // A create still in flight lands when the ensemble answers again, long before this.
        if (found || System.nanoTime() - entry.failedAt() > 2 * operationTimeout.toNanos()) {
          abandoned.remove(entry);
        }
      } catch (KeeperException.NoNodeException gone) {
        // the lock directory or the node went meanwhile; the entry stays until its session ends
      } catch (Exception e) {
        log.debug("Could not look for abandoned lock nodes under {}: {}", lockPath, e.toString());
        return;
      }
    }
  }

  private long sessionId() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return 0;
    }
  }

  private String lockPath(TopologyKey key) {
    return locksRoot + "/" + key.cluster() + "/" + key.name();
  }

  /** A lock node this replica may have created without learning of it. */
  private record Abandoned(String lockPath, byte[] token, long sessionId, long failedAt) {}

  /** Writes a token of its own into its lock node, so an abandoned node can be found again. */
  private static final class TokenMutex extends InterProcessMutex {
    private final byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);

    TokenMutex(CuratorFramework client, String path) {
      super(client, path);
    }

    @Override
    protected byte[] getLockNodeBytes() {
      return token;
    }
  }

  /** A held topology lock. Close it on the thread that acquired it. */
  private final class MutexHeld implements Held {
    private final TokenMutex mutex;
    private final TopologyKey key;
    private final String path;
    private boolean released;

    private MutexHeld(TokenMutex mutex, TopologyKey key, String path) {
      this.mutex = mutex;
      this.key = key;
      this.path = path;
    }

    @Override
    public TopologyKey key() {
      return key;
    }

    /**
     * Whether this process still believes it holds the lock (false after {@link #close()}). It
     * cannot know of a session expiry that ZooKeeper has not told it about yet.
     */
    @Override
    public boolean isHeld() {
      return !released && mutex.isOwnedByCurrentThread();
    }

    /**
     * Releases the lock. Idempotent; a failure to release is logged (the session's end releases
     * it).
     */
    @Override
    public void close() {
      if (released) {
        return;
      }
      released = true;
      if (!client.getZookeeperClient().isConnected()) {
        // Releasing now would wait for the connection: the node is deleted once it is back (or
        // goes with the session).
        abandoned.add(new Abandoned(path, mutex.token, sessionId(), System.nanoTime()));
        log.warn("Lock of topology {} left for removal once ZooKeeper is connected again", key);
        return;
      }
      try {
        mutex.release();
        log.debug("Unlocked topology {}", key);
      } catch (Exception e) {
        // E.g. the session expired: its ephemeral lock node is gone already, or goes with the
        // session.
        log.warn(
            "Could not release the lock of topology {} ({}); ZooKeeper releases it with the session",
            key,
            e.toString());
      }
    }
  }
}
