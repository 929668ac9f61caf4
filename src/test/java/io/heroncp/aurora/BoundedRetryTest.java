package io.heroncp.aurora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.problems.DependencyUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The retry policies of the Aurora adapter: how many tries, which waits, and where the deadline
 * cuts them.
 */
class BoundedRetryTest {

  private static List<Long> waits(RetryPolicy policy, int count) {
    BackOffExecution execution = policy.getBackOff().start();
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      waits.add(execution.nextBackOff());
    }
    return waits;
  }

  @Test
  void attemptsTriesThatManyTimesInAllWithDoublingWaitsThenThrowsTheLastAgain() {
    AtomicInteger tries = new AtomicInteger();

    assertThatThrownBy(
            () ->
                BoundedRetry.run(
                    BoundedRetry.attempts(3, Duration.ofMillis(1)),
                    "for a test",
                    () -> {
                      throw new BoundedRetry.Again("try " + tries.incrementAndGet(), null);
                    }))
        .isInstanceOf(BoundedRetry.Again.class)
        .hasMessage("try 3");
    assertThat(tries).hasValue(3);
    assertThat(waits(BoundedRetry.attempts(4, Duration.ofMillis(500)), 4))
        .containsExactly(500L, 1000L, 2000L, BackOffExecution.STOP);
  }

  @Test
  void anyOtherFailureEndsTheRetriesAtOnceAndIsThrownAsItIs() {
    AtomicInteger tries = new AtomicInteger();
    IllegalStateException failure = new IllegalStateException("no");

    assertThatThrownBy(
            () ->
                BoundedRetry.run(
                    BoundedRetry.attempts(5, Duration.ofMillis(1)),
                    "for a test",
                    () -> {
                      tries.incrementAndGet();
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(tries).hasValue(1);
  }

  @Test
  void theFirstResultIsReturnedAfterEarlierAttemptsAskedForAnother() {
    AtomicInteger tries = new AtomicInteger();

    String result =
        BoundedRetry.run(
            BoundedRetry.attempts(3, Duration.ofMillis(1)),
            "for a test",
            () -> {
              if (tries.incrementAndGet() < 3) {
                throw new BoundedRetry.Again("not yet", null);
              }
              return "done";
            });

    assertThat(result).isEqualTo("done");
  }

  @Test
  void untilDoublesItsWaitsUpToTheLongest() {
    long farAway = System.nanoTime() + Duration.ofHours(1).toNanos();

    assertThat(
            waits(
                BoundedRetry.until(farAway, Duration.ofMillis(100), Duration.ofSeconds(2), false),
                7))
        .containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
  }

  @Test
  void aCappedWaitNeverEndsAfterTheDeadlineAndStopsOnceItPassed() {
    long soon = System.nanoTime() + Duration.ofMillis(300).toNanos();
    BackOffExecution capped =
        BoundedRetry.until(soon, Duration.ofSeconds(5), Duration.ofSeconds(5), true)
            .getBackOff()
            .start();
    BackOffExecution past =
        BoundedRetry.until(
                System.nanoTime() - 1, Duration.ofSeconds(5), Duration.ofSeconds(5), true)
            .getBackOff()
            .start();

    assertThat(capped.nextBackOff()).isBetween(1L, 300L);
    assertThat(past.nextBackOff()).isEqualTo(BackOffExecution.STOP);
  }

  @Test
  void untilRetriesOnlyAgainAndOnlyBeforeTheDeadline() {
    long future = System.nanoTime() + Duration.ofHours(1).toNanos();
    RetryPolicy open = BoundedRetry.until(future, Duration.ofMillis(1), Duration.ofMillis(1), true);
    RetryPolicy over =
        BoundedRetry.until(System.nanoTime() - 1, Duration.ofMillis(1), Duration.ofMillis(1), true);

    assertThat(open.shouldRetry(new BoundedRetry.Again("again", null))).isTrue();
    assertThat(open.shouldRetry(new IllegalStateException())).isFalse();
    assertThat(over.shouldRetry(new BoundedRetry.Again("again", null))).isFalse();
  }

  @Test
  void aWaitForTheDeadlineEndsWithTheLastAgainSoonAfterIt() {
    long start = System.nanoTime();
    long deadline = start + Duration.ofMillis(200).toNanos();
    AtomicInteger tries = new AtomicInteger();

    assertThatThrownBy(
            () ->
                BoundedRetry.run(
                    BoundedRetry.until(
                        deadline, Duration.ofMillis(20), Duration.ofMillis(50), true),
                    "for a test",
                    () -> {
                      throw new BoundedRetry.Again("try " + tries.incrementAndGet(), null);
                    }))
        .isInstanceOf(BoundedRetry.Again.class);

    long elapsed = (System.nanoTime() - start) / 1_000_000;
    assertThat(elapsed).isBetween(190L, 2_000L);
    assertThat(tries.get()).isGreaterThan(2);
  }

  @Test
  void anInterruptedWaitIsUnavailableAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () ->
                  BoundedRetry.run(
                      BoundedRetry.attempts(3, Duration.ofSeconds(10)),
                      "for a test",
                      () -> {
                        throw new BoundedRetry.Again("again", null);
                      }))
          .isInstanceOf(DependencyUnavailableException.class)
          .hasMessage("interrupted while waiting for a test");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
