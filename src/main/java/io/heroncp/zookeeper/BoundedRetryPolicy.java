package io.heroncp.zookeeper;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.RetrySleeper;
import org.apache.zookeeper.KeeperException;

/**
 * Curator's retries of one call (connection loss, session moved) with exponential back-off, but
 * never past a budget measured from the call's start: a request waits at most {@code
 * heroncp.zookeeper.operation-timeout} on ZooKeeper however many retries that allows.
 *
 * <p>A request timeout ({@code zookeeper.request.timeout}: the ensemble took the request and did
 * not answer, e.g. a paused server) is never retried: the budget is spent, and the write may still
 * take effect, which the caller's 504 says.
 */
final class BoundedRetryPolicy implements RetryPolicy {

  private final long budgetMillis;
  private final long baseSleepMillis;
  private final long maxSleepMillis;

  BoundedRetryPolicy(Duration budget, Duration baseSleep, Duration maxSleep) {
    this.budgetMillis = budget.toMillis();
    this.baseSleepMillis = Math.max(1, baseSleep.toMillis());
    this.maxSleepMillis = Math.max(baseSleepMillis, maxSleep.toMillis());
  }

  @Override
  public boolean allowRetry(int retryCount, long elapsedTimeMs, RetrySleeper sleeper) {
    long sleep = Math.min(maxSleepMillis, baseSleepMillis << Math.min(retryCount, 20));
    if (elapsedTimeMs + sleep >= budgetMillis) {
      return false;
    }
    try {
      sleeper.sleepFor(sleep, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public boolean allowRetry(Throwable exception) {
    if (exception instanceof KeeperException.RequestTimeoutException) {
      return false;
    }
    return RetryPolicy.super.allowRetry(exception);
  }
}
