package io.heroncp.health;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Runs a probe that does I/O (a network call, a disk) on its own thread every {@code interval} and
 * answers {@link #health()} from its last result, so {@code /actuator/health} answers at once
 * however slow or stuck a dependency is. Details are the probe's plus {@code checked_at} (when the
 * result was taken). Before the first result: waits up to {@code firstWait}, then UNKNOWN. Probing
 * starts with the first call (or {@link #start()}), when the service is up. Thread-safe.
 */
public final class BackgroundHealthIndicator implements HealthIndicator, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BackgroundHealthIndicator.class);

  private final String name;
  private final HealthIndicator probe;
  private final Duration firstWait;
  private final Clock clock;
  private final AtomicReference<Health> last = new AtomicReference<>();
  private final CountDownLatch first = new CountDownLatch(1);
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * Probing starts with {@link #start()} or the first {@link #health()}.
   *
   * @param name the indicator's name, for the probe thread and logs
   * @param probe the indicator that does the I/O; must end on its own (its own timeouts)
   * @param interval the pause between the end of one probe and the start of the next
   * @param firstWait how long a call before the first result waits for it
   */
  public BackgroundHealthIndicator(
      String name, HealthIndicator probe, Duration interval, Duration firstWait, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.probe = Objects.requireNonNull(probe, "probe");
    this.firstWait = Objects.requireNonNull(firstWait, "firstWait");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, name + "-health-probe");
              thread.setDaemon(true);
              return thread;
            });
    this.interval = Objects.requireNonNull(interval, "interval");
  }

  /**
   * Starts probing (idempotent); the first {@link #health()} call does it, so the first probe runs
   * when someone asks, after startup, not while the dependencies are still being wired.
   */
  public void start() {
    if (started.compareAndSet(false, true)) {
      scheduler.scheduleWithFixedDelay(
          this::probeOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void probeOnce() {
    Health result;
    try {
      result = probe.health();
    } catch (RuntimeException e) {
      log.warn("The {} health probe failed: {}", name, e.toString());
      result =
          Health.down()
              .withDetail("reason", "probe failed: " + e.getClass().getSimpleName())
              .build();
    }
    last.set(
        Health.status(result.getStatus())
            .withDetails(result.getDetails())
            .withDetail("checked_at", clock.instant().toString())
            .build());
    first.countDown();
  }

  @Override
  public Health health() {
    start();
    Health health = last.get();
    if (health != null) {
      return health;
    }
    try {
      first.await(firstWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    health = last.get();
    return health != null
        ? health
        : Health.unknown().withDetail("reason", "first probe still running").build();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    if (probe instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("Closing the {} probe: {}", name, e.toString());
      }
    }
  }
}
