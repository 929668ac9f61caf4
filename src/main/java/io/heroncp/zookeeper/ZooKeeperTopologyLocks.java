package io.heroncp.zookeeper;

import io.heroncp.problems.BusyException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyLocks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lock per topology (by cluster and name) across all replicas of the service: an ephemeral node
 * {@code <root>/topology-locks/<cluster>/<name>} holding a token of its holder's own. Taking a free
 * lock is one create and releasing it one delete, the parent being created once per cluster (a
 * Curator {@code InterProcessMutex} would take a directory per topology, so a new name's lock would
 * cost its parents' existence checks and creates, then a create, a listing and a delete).
 *
 * <p>Guarantees and rules:
 *
 * <ul>
 *   <li>Mutual exclusion between replicas AND between threads of one replica: every {@link
 *       #acquire} creates the node anew; one that finds it taken watches it and tries again when it
 *       goes, until {@code maxWait} has passed (waiters are not queued in order: whoever creates
 *       the node first after it went has it).
 *   <li>Not reentrant: a thread that holds a topology's lock and acquires it again waits for itself
 *       and gets {@link BusyException} after {@code maxWait}. Take the lock once, at the top of an
 *       operation.
 *   <li>{@link Held#close()} is idempotent and never throws.
 *   <li>The lock lives as long as the holder's ZooKeeper session: when the holder's replica dies,
 *       or its session expires, the lock is released (its ephemeral node goes) and a waiter gets
 *       it. The holder is NOT interrupted then (a release after the session changed deletes
 *       nothing); every write it still makes stays conditional on versions (the stores'
 *       compare-and-set), so the lock is an optimisation against wasted work, not the last guard.
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
    this.locksRoot = properties.root() + "/topology-locks";
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
   * @return the held lock; close it to release
   * @throws BusyException another operation held it for all of {@code maxWait}
   * @throws DependencyUnavailableException ZooKeeper is not connected, or the connection failed
   *     while waiting
   */
  @Override
  public Held acquire(TopologyKey key, Duration maxWait) {
    String path = lockPath(key);
    ZooKeeperFailures.requireConnected(client, "locking topology " + key);
    removeAbandoned(path);
    byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
    try {
      while (true) {
        CountDownLatch changed = new CountDownLatch(1);
        try (CallBudget budget = CallBudget.open(operationTimeout)) {
          if (create(key, path, token)) {
            log.debug("Locked topology {}", key);
            return new NodeHeld(key, path, sessionId());
          }
          // Taken: watch it, and try again once it goes (or the connection changes); a caller
          // that does not wait (maxWait 0) leaves no watch behind.
          if (System.nanoTime() - deadline >= 0) {
            throw busy(key);
          }
          if (client.checkExists().usingWatcher((Watcher) e -> changed.countDown()).forPath(path)
              == null) {
            continue;
          }
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0 || !changed.await(remaining, TimeUnit.NANOSECONDS)) {
          throw busy(key);
        }
        ZooKeeperFailures.requireConnected(client, "locking topology " + key);
      }
    } catch (BusyException | DependencyUnavailableException e) {
      throw e;
    } catch (Exception e) {
      throw ZooKeeperFailures.translate(client, "locking topology " + key, e);
    }
  }

  /**
   * Lists the lock nodes of every cluster and takes the oldest one's creation time (ZooKeeper's
   * clock): a background call (one listing per cluster and one read per held lock).
   */
  @Override
  public Optional<Instant> oldestHeldSince() {
    try {
      Instant oldest = null;
      for (String cluster : children(locksRoot)) {
        String dir = locksRoot + "/" + cluster;
        for (String name : children(dir)) {
          Stat stat = client.checkExists().forPath(dir + "/" + name);
          if (stat != null) {
            Instant since = Instant.ofEpochMilli(stat.getCtime());
            oldest = oldest == null || since.isBefore(oldest) ? since : oldest;
          }
        }
      }
      return Optional.ofNullable(oldest);
    } catch (Exception e) {
      throw ZooKeeperFailures.translate(client, "listing the held topology locks", e);
    }
  }

  private java.util.List<String> children(String path) throws Exception {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return java.util.List.of();
    }
  }

  private BusyException busy(TopologyKey key) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return new BusyException(
        "Topology " + key + " is busy with another operation; retry in " + seconds + " seconds",
        seconds);
  }

  /**
   * Creates the lock node; false when it exists. A create that failed without an answer may still
   * be applied: it is remembered, so the node is deleted rather than holding the topology for as
   * long as this replica's session.
   */
  private boolean create(TopologyKey key, String path, byte[] token) throws Exception {
    try {
      try {
        client.create().withMode(CreateMode.EPHEMERAL).forPath(path, token);
      } catch (KeeperException.NoNodeException missingParent) {
        try {
          client
              .create()
              .creatingParentsIfNeeded()
              .forPath(path.substring(0, path.lastIndexOf('/')));
        } catch (KeeperException.NodeExistsException raced) {
          // another request created it first
        }
        client.create().withMode(CreateMode.EPHEMERAL).forPath(path, token);
      }
      return true;
    } catch (KeeperException.NodeExistsException taken) {
      return false;
    } catch (Exception e) {
      abandoned.add(new Abandoned(path, token, sessionId(), System.nanoTime()));
      throw ZooKeeperFailures.translate(client, "locking topology " + key, e);
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
        Stat stat = new Stat();
        try {
          byte[] data = client.getData().storingStatIn(stat).forPath(lockPath);
          if (Arrays.equals(data, entry.token())) {
            client.delete().withVersion(stat.getVersion()).forPath(lockPath);
            log.info("Removed an abandoned lock node {} of this replica", lockPath);
            found = true;
          }
        } catch (KeeperException.NoNodeException gone) {
          // not (or no longer) there
        }
        // A create still in flight lands when the ensemble answers again, long before this.
        if (found || System.nanoTime() - entry.failedAt() > 2 * operationTimeout.toNanos()) {
          abandoned.remove(entry);
        }
      } catch (Exception e) {
        log.debug("Could not look for an abandoned lock node {}: {}", lockPath, e.toString());
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

  /** A held topology lock. */
  private final class NodeHeld implements Held {
    private final TopologyKey key;
    private final String path;
    private final long session;
    private volatile boolean released;

    private NodeHeld(TopologyKey key, String path, long session) {
      this.key = key;
      this.path = path;
      this.session = session;
    }

    @Override
    public TopologyKey key() {
      return key;
    }

    /**
     * Whether this process still believes it holds the lock (false after {@link #close()} or once
     * its session changed). It cannot know of a session expiry that ZooKeeper has not told it about
     * yet.
     */
    @Override
    public boolean isHeld() {
      return !released && sessionId() == session;
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
      if (sessionId() != session) {
        // The node went with the old session; one of that name now is someone else's.
        log.warn("Lock of topology {} was lost with its ZooKeeper session", key);
        return;
      }
      if (!client.getZookeeperClient().isConnected()) {
        // Releasing now would wait for the connection: the node is deleted once it is back (or
        // goes with the session). Its token is unknown here; the version check keeps another's.
        log.warn("Lock of topology {} left for removal once ZooKeeper is connected again", key);
        cleaner.execute(() -> deleteWhenConnected(path, session));
        return;
      }
      try (CallBudget budget = CallBudget.open(operationTimeout)) {
        client.delete().forPath(path);
        log.debug("Unlocked topology {}", key);
      } catch (KeeperException.NoNodeException gone) {
        // removed with its session meanwhile
      } catch (Exception e) {
        log.warn(
            "Could not release the lock of topology {} ({}); ZooKeeper releases it with the session",
            key,
            e.toString());
        cleaner.execute(() -> deleteWhenConnected(path, session));
      }
    }
  }

  /** Deletes a held lock's node once connected, if it still belongs to the same session. */
  private void deleteWhenConnected(String path, long session) {
    try {
      if (!client.getZookeeperClient().blockUntilConnectedOrTimedOut()) {
        return;
      }
      Stat stat = client.checkExists().forPath(path);
      if (stat != null && stat.getEphemeralOwner() == session) {
        client.delete().withVersion(stat.getVersion()).forPath(path);
        log.info("Removed the lock node {} once ZooKeeper was connected again", path);
      }
    } catch (Exception e) {
      log.debug("Could not remove the lock node {}: {}", path, e.toString());
    }
  }
}
