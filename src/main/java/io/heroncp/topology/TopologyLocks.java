package io.heroncp.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Port: one lock per topology (by cluster and name) across all replicas. Not reentrant. */
public interface TopologyLocks {

  /**
   * Waits at most {@code maxWait} for the topology's lock.
   *
   * @throws io.heroncp.problems.BusyException another operation held it for all of {@code maxWait}
   */
  Held acquire(TopologyKey key, Duration maxWait);

  /**
   * When the longest-held topology lock, of any replica, was taken (by the lock store's clock);
   * empty when no lock is held. For background work that must leave alone what a mutation in
   * progress may still record (e.g. a package a submit stored before its intent).
   */
  Optional<Instant> oldestHeldSince();

  /**
   * A held lock; close it on the thread that acquired it. Closing is idempotent and never throws.
   */
  interface Held extends AutoCloseable {
    TopologyKey key();

    boolean isHeld();

    @Override
    void close();
  }
}
