package io.heroncp.problems;

/**
 * Something is in the way for a while, so the same request may succeed later (409): another
 * operation holds the topology's lock past the wait, or Aurora is still killing the job of an
 * earlier topology of the same name. The problem type stays {@code conflict}; {@link
 * #retryAfterSeconds()} is what the API sends as {@code Retry-After}.
 */
public class BusyException extends ConflictException {

  private final long retryAfterSeconds;

  public BusyException(String message, long retryAfterSeconds) {
    this(message, retryAfterSeconds, null);
  }

  public BusyException(String message, long retryAfterSeconds, Throwable cause) {
    super(message, null, cause);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  /** Seconds after which a retry may succeed; at least 1. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
