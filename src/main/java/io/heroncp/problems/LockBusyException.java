package io.heroncp.problems;

/**
 * Another operation holds the topology's lock and did not release it within the wait (409). The problem
 * type stays {@code conflict}; {@link #retryAfterSeconds()} is what the API sends as {@code Retry-After}.
 */
public class LockBusyException extends ConflictException {

  private final long retryAfterSeconds;

  public LockBusyException(String message, long retryAfterSeconds) {
    this(message, retryAfterSeconds, null);
  }

  public LockBusyException(String message, long retryAfterSeconds, Throwable cause) {
    super(message, null, cause);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  /** Seconds after which a retry may succeed; at least 1. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
