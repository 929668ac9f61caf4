package io.heroncp.aurora;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link JobUpdater#update} runs an Aurora job update.
 *
 * @param minRunning Aurora's {@code minWaitInInstanceRunningMs}: how long a new task must stay
 *     RUNNING before Aurora counts its instance as updated. Short, because Heron's executor reports
 *     its processes' health through the topology manager, not through Aurora; it only has to catch
 *     an executor that dies at once.
 * @param firstPoll the first wait between two status polls of the update
 * @param maxPoll the longest wait between two polls (the wait doubles up to it)
 */
public record AuroraUpdatePolicy(Duration minRunning, Duration firstPoll, Duration maxPoll) {

  /** 5 s minimum running time; polls after 250 ms, doubling to 5 s. */
  public static final AuroraUpdatePolicy DEFAULT =
      new AuroraUpdatePolicy(Duration.ofSeconds(5), Duration.ofMillis(250), Duration.ofSeconds(5));

  public AuroraUpdatePolicy {
    Objects.requireNonNull(minRunning, "minRunning");
    Objects.requireNonNull(firstPoll, "firstPoll");
    Objects.requireNonNull(maxPoll, "maxPoll");
    if (minRunning.isNegative() || minRunning.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "minRunning must be between 0 and " + Integer.MAX_VALUE + " ms");
    }
    if (firstPoll.toMillis() <= 0 || maxPoll.compareTo(firstPoll) < 0) {
      throw new IllegalArgumentException(
          "firstPoll must be positive and maxPoll at least firstPoll");
    }
  }
}
