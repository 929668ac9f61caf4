package io.heroncp.aurora;

import io.heroncp.problems.DependencyUnavailableException;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The retries and bounded waits of the Aurora adapter, run by Spring's {@link RetryTemplate}. An
 * attempt asks for another one by throwing {@link Again}; any other exception ends the retries at
 * once and is thrown as it is.
 */
final class BoundedRetry {

  private BoundedRetry() {}

  /**
   * Thrown by an attempt that should be tried again; the one of the last attempt is thrown when
   * time or tries run out.
   */
  static class Again extends RuntimeException {

    Again(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * At most {@code attempts} tries in all; the first wait is {@code firstWait}, doubling per retry
   * without limit.
   */
  static RetryPolicy attempts(int attempts, Duration firstWait) {
    return RetryPolicy.builder()
        .maxRetries(attempts - 1L)
        .delay(firstWait)
        .multiplier(2)
        .predicate(Again.class::isInstance)
        .build();
  }

  /**
   * Tries again while {@code System.nanoTime()} is before {@code deadline}; the waits start at
   * {@code firstWait} and double up to {@code maxWait}. With {@code capAtDeadline} no wait ends
   * after the deadline (and none starts with less than a millisecond left); without it the last
   * wait may.
   */
  static RetryPolicy until(
      long deadline, Duration firstWait, Duration maxWait, boolean capAtDeadline) {
    ExponentialBackOff doubling = new ExponentialBackOff(firstWait.toMillis(), 2);
    doubling.setMaxInterval(maxWait.toMillis());
    BackOff backOff = capAtDeadline ? () -> cappedAt(deadline, doubling.start()) : doubling;
    return new RetryPolicy() {
      @Override
      public boolean shouldRetry(Throwable failure) {
        return failure instanceof Again && deadline - System.nanoTime() > 0;
      }

      @Override
      public BackOff getBackOff() {
        return backOff;
      }
    };
  }

  private static BackOffExecution cappedAt(long deadline, BackOffExecution waits) {
    return () -> {
      long remaining = (deadline - System.nanoTime()) / 1_000_000;
      return remaining <= 0 ? BackOffExecution.STOP : Math.min(waits.nextBackOff(), remaining);
    };
  }

  /**
   * Runs {@code attempt} under {@code policy}: its first result, or the exception of the last
   * attempt (an {@link Again} when the policy gave up).
   *
   * @param waitingFor what the waits are for, for the message of an interruption
   * @throws DependencyUnavailableException the thread was interrupted during a wait
   */
  static <T> T run(RetryPolicy policy, String waitingFor, Supplier<T> attempt) {
    try {
      return new RetryTemplate(policy).execute(attempt::get);
    } catch (RetryException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new DependencyUnavailableException(
            "interrupted while waiting " + waitingFor, null, e);
      }
      if (e.getCause() instanceof RuntimeException last) {
        throw last;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
