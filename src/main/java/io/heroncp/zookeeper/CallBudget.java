package io.heroncp.zookeeper;

import java.time.Duration;

/**
 * The time one store or lock call (and every Curator call and retry it makes) may spend on
 * ZooKeeper: {@code heroncp.zookeeper.operation-timeout} from the outermost {@link #open}, on this
 * thread. Curator's retry loops are per call, and a recipe makes several in a row (a lock: create,
 * look for its protected node, list, delete); {@link BoundedRetryPolicy} stops retrying once the
 * thread's budget is spent, so the calls together stay within it.
 */
final class CallBudget implements AutoCloseable {

  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();
  private static final CallBudget NESTED = new CallBudget(false);

  private final boolean outermost;

  private CallBudget(boolean outermost) {
    this.outermost = outermost;
  }

  /** Starts this thread's budget unless a call of the store already did; close it (try). */
  static CallBudget open(Duration budget) {
    if (DEADLINE.get() != null) {
      return NESTED;
    }
    DEADLINE.set(System.nanoTime() + budget.toNanos());
    return new CallBudget(true);
  }

  /** What is left of this thread's budget, in ms; {@link Long#MAX_VALUE} outside of one. */
  static long remainingMillis() {
    Long deadline = DEADLINE.get();
    return deadline == null
        ? Long.MAX_VALUE
        : Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
  }

  @Override
  public void close() {
    if (outermost) {
      DEADLINE.remove();
    }
  }
}
