package io.heroncp.zookeeper;

import io.heroncp.problems.BusyException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyLocks;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
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

  /**
   * @param retryAfter what {@link BusyException#retryAfterSeconds()} tells a caller who did not get
   *     the lock (rounded up to whole seconds, at least 1)
   */
  public ZooKeeperTopologyLocks(
      CuratorFramework client, ZooKeeperProperties properties, Duration retryAfter) {
    this.client = client;
    this.locksRoot = properties.root() + "/locks";
    this.retryAfter = retryAfter;
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
    String path = lockPath(key);
    if (!client.getZookeeperClient().isConnected()) {
      throw new DependencyUnavailableException(
          "ZooKeeper is not connected; cannot lock topology " + key + ". Retry later");
    }
    InterProcessMutex mutex = new InterProcessMutex(client, path);
    boolean acquired;
    try {
      acquired = mutex.acquire(Math.max(0, maxWait.toMillis()), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw ZooKeeperFailures.translate("locking topology " + key, e);
    }
    if (!acquired) {
      long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
      throw new BusyException(
          "Topology " + key + " is busy with another operation; retry in " + seconds + " seconds",
          seconds);
    }
    log.debug("Locked topology {}", key);
    return new MutexHeld(mutex, key);
  }

  private String lockPath(TopologyKey key) {
    return locksRoot + "/" + key.cluster() + "/" + key.name();
  }

  /** A held topology lock. Close it on the thread that acquired it. */
  private static final class MutexHeld implements Held {
    private final InterProcessMutex mutex;
    private final TopologyKey key;
    private boolean released;

    private MutexHeld(InterProcessMutex mutex, TopologyKey key) {
      this.mutex = mutex;
      this.key = key;
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
