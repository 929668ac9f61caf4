package io.heroncp.problems;

/**
 * The scheduler refused the request because the role's resource quota is too small (403). Not the
 * caller's mistake and not fixable by changing the request: the message names the role, what was
 * asked for, and that the scheduler's operator must raise the quota.
 */
public class QuotaExceededException extends ControlPlaneException {

  public QuotaExceededException(String message) {
    this(message, null);
  }

  public QuotaExceededException(String message, Throwable cause) {
    super(ProblemType.QUOTA_EXCEEDED, message, "role", cause);
  }
}
