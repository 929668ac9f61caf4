package io.heroncp.metrics;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A value computed at most once per {@code maxAge}, so that several gauges read from one listing
 * per scrape instead of one each. Thread-safe; a failed computation is not cached and is rethrown.
 */
final class RefreshingValue<T> {

  private final Supplier<T> compute;
  private final long maxAgeNanos;
  private final LongSupplier clock;
  private T value;
  private long computedAt;
  private boolean present;

  RefreshingValue(Supplier<T> compute, Duration maxAge) {
    this(compute, maxAge, System::nanoTime);
  }

  RefreshingValue(Supplier<T> compute, Duration maxAge, LongSupplier clock) {
    this.compute = Objects.requireNonNull(compute, "compute");
    this.maxAgeNanos = maxAge.toNanos();
    this.clock = clock;
  }

  synchronized T get() {
    long now = clock.getAsLong();
    if (!present || now - computedAt >= maxAgeNanos) {
      value = compute.get();
      computedAt = now;
      present = true;
    }
    return value;
  }
}
