package io.heroncp.topology;

import io.heroncp.problems.BusyException;
import io.heroncp.problems.DependencyUnavailableException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The topology lock's contract (see {@code zookeeper.ZooKeeperTopologyLocks}): one holder per
 * cluster and name, not reentrant, a lock held elsewhere answers {@link BusyException} with
 * Retry-After (here at once instead of after {@code maxWait}: the holder of a test never lets go
 * meanwhile), close is idempotent, and no lock while disconnected (503).
 */
final class InMemoryLocks implements TopologyLocks {

  private final Set<String> held = new HashSet<>();
  private final java.util.Map<String, java.time.Instant> heldSince = new java.util.HashMap<>();
  private boolean connected = true;
  private int acquisitions;

  @Override
  public synchronized Held acquire(TopologyKey key, Duration maxWait) {
    if (!connected) {
      throw new DependencyUnavailableException(
          "ZooKeeper is not connected; cannot lock topology " + key + ". Retry later");
    }
    if (!held.add(path(key))) {
      throw new BusyException(
          "Topology " + key + " is busy with another operation; retry in 5 seconds", 5);
    }
    acquisitions++;
    heldSince.put(path(key), java.time.Instant.now());
    return new Held() {
      private boolean released;

      @Override
      public TopologyKey key() {
        return key;
      }

      @Override
      public boolean isHeld() {
        return !released;
      }

      @Override
      public void close() {
        synchronized (InMemoryLocks.this) {
          if (!released) {
            released = true;
            held.remove(path(key));
            heldSince.remove(path(key));
          }
        }
      }
    };
  }

  @Override
  public synchronized java.util.Optional<java.time.Instant> oldestHeldSince() {
    return heldSince.values().stream().min(java.time.Instant::compareTo);
  }

  /** Another replica takes the lock and keeps it until {@link #releaseElsewhere}. */
  synchronized void holdElsewhere(TopologyKey key) {
    if (!held.add(path(key))) {
      throw new IllegalStateException("already held: " + key);
    }
  }

  synchronized void releaseElsewhere(TopologyKey key) {
    held.remove(path(key));
  }

  synchronized boolean isHeld(TopologyKey key) {
    return held.contains(path(key));
  }

  synchronized int acquisitions() {
    return acquisitions;
  }

  synchronized void connected(boolean now) {
    connected = now;
  }

  private static String path(TopologyKey key) {
    return key.cluster() + "/" + key.name();
  }
}
