package io.heroncp.topology;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Failures a fake is told to produce on its next calls, by call name: before the call takes effect
 * (nothing changed) or after it (the effect happened but the caller never hears so, as with a
 * timed-out request).
 */
final class Faults {

  /** Stands for the process dying: no {@code catch (RuntimeException)} cleans up after it. */
  static final class Crash extends Error {
    Crash(String message) {
      super(message);
    }
  }

  private final Map<String, Deque<Throwable>> before = new HashMap<>();
  private final Map<String, Deque<Throwable>> after = new HashMap<>();

  /** The next {@code call} throws {@code failure} without taking effect. */
  synchronized void failNext(String call, Throwable failure) {
    before.computeIfAbsent(call, c -> new ArrayDeque<>()).add(failure);
  }

  /** The next {@code call} takes effect, then throws {@code failure}. */
  synchronized void failNextAfterEffect(String call, Throwable failure) {
    after.computeIfAbsent(call, c -> new ArrayDeque<>()).add(failure);
  }

  synchronized void before(String call) {
    raise(before.get(call));
  }

  synchronized void after(String call) {
    raise(after.get(call));
  }

  private static void raise(Deque<Throwable> queue) {
    Throwable next = queue == null ? null : queue.poll();
    if (next instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (next instanceof Error error) {
      throw error;
    }
  }
}
