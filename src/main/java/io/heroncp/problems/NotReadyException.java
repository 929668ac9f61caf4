package io.heroncp.problems;

/**
 * The topology is not ready for the verb yet (503): its tasks are not all running or its topology
 * manager has not announced itself, and the bounded wait for that ended. Nothing was recorded;
 * {@link #retryAfterSeconds()} is what the API sends as {@code Retry-After}.
 */
public class NotReadyException extends ControlPlaneException {

  private final long retryAfterSeconds;

  public NotReadyException(String message) {
    this(message, 5);
  }

  public NotReadyException(String message, long retryAfterSeconds) {
    super(ProblemType.NOT_READY, message, "state", null);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  /** Seconds after which a retry may succeed; at least 1. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
