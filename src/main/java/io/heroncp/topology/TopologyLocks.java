package io.heroncp.topology;

import java.time.Duration;

/** Port: one lock per topology (by cluster and name) across all replicas. Not reentrant. */
public interface TopologyLocks {

  /**
   * Waits at most {@code maxWait} for the topology's lock.
   *
   * @throws io.heroncp.problems.BusyException another operation held it for all of {@code maxWait}
   */
  Held acquire(TopologyKey key, Duration maxWait);

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
