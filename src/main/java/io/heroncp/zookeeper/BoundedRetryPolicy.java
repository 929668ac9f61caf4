package io.heroncp.zookeeper;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.RetrySleeper;
import org.apache.zookeeper.KeeperException;

/**
 * Curator's retries (connection loss, session moved) with exponential back-off.
 *
 * <p>Within a store or lock call (a {@link CallBudget} is open on the thread: the request path) a
 * retry starts only when its back-off plus one whole attempt ({@code attempt}: a wait for the
 * connection plus ZooKeeper's request timeout) still fit in what is left of the budget, so a
 * request waits at most {@code heroncp.zookeeper.operation-timeout} on ZooKeeper however many
 * Curator calls it makes. With the service's settings an attempt is the whole budget: requests do
 * not retry, a failure answers 503 (with {@code Retry-After}) or 504 and the client retries.
 * Elsewhere (Curator's background work: caches, leader latch, the removal of a lock node whose
 * create failed) it retries a few times, as Curator's own bounded policy does; those resume on
 * reconnection anyway. A time limit there would make Curator give up at once, and some of its
 * background work starts over when it gives up, in a tight loop.
 *
 * <p>A request timeout ({@code zookeeper.request.timeout}: the ensemble took the request and did
 * not answer, e.g. a paused server) is never retried: the write may still take effect, which the
 * caller's 504 says.
 */
final class BoundedRetryPolicy implements RetryPolicy {

  /** Retries of a call outside of a request, as Curator's BoundedExponentialBackoffRetry(.., 3). */
  static final int BACKGROUND_RETRIES = 3;

  private final long attemptMillis;
  private final long baseSleepMillis;
  private final long maxSleepMillis;

  BoundedRetryPolicy(Duration attempt, Duration baseSleep, Duration maxSleep) {
    this.attemptMillis = attempt.toMillis();
    this.baseSleepMillis = Math.max(1, baseSleep.toMillis());
    this.maxSleepMillis = Math.max(baseSleepMillis, maxSleep.toMillis());
  }

  @Override
  public boolean allowRetry(int retryCount, long elapsedTimeMs, RetrySleeper sleeper) {
    long sleep = Math.min(maxSleepMillis, baseSleepMillis << Math.min(retryCount, 20));
    long remaining = CallBudget.remainingMillis();
    boolean allowed =
        remaining == Long.MAX_VALUE
            ? retryCount < BACKGROUND_RETRIES
            : sleep + attemptMillis <= remaining;
    if (!allowed) {
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
