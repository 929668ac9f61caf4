package io.heroncp.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class BackgroundHealthIndicatorTest {

  @Test
  void aStuckProbeDoesNotHoldHealthAndItsLastResultIsAnsweredMeanwhile() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger probes = new AtomicInteger();
    try (BackgroundHealthIndicator indicator =
        new BackgroundHealthIndicator(
            "stuck",
            () -> {
              if (probes.incrementAndGet() > 1) {
                try {
                  release.await(30, TimeUnit.SECONDS); // a dependency that stopped answering
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return Health.up().withDetail("probe", probes.get()).build();
            },
            Duration.ofMillis(50),
            Duration.ofMillis(500),
            Clock.systemUTC())) {
      indicator.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> probes.get() >= 2);

      long start = System.nanoTime();
      Health health = indicator.health();

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("probe", 1).containsKey("checked_at");
      release.countDown();
    }
  }

  @Test
  void beforeTheFirstResultHealthWaitsBrieflyThenSaysUnknown() {
    CountDownLatch release = new CountDownLatch(1);
    try (BackgroundHealthIndicator indicator =
        new BackgroundHealthIndicator(
            "slow",
            () -> {
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Health.up().build();
            },
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            Clock.systemUTC())) {
      long start = System.nanoTime();
      Health health = indicator.health();

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
      release.countDown();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> indicator.health().getStatus() == Status.UP);
    }
  }

  @Test
  void aProbeThatThrowsIsReportedDown() {
    try (BackgroundHealthIndicator indicator =
        new BackgroundHealthIndicator(
            "failing",
            () -> {
              throw new IllegalStateException("secret detail");
            },
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            Clock.systemUTC())) {
      Health health = indicator.health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails().toString()).doesNotContain("secret detail");
    }
  }
}
