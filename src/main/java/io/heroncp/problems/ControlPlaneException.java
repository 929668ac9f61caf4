package io.heroncp.problems;

/**
 * Base of the service's domain errors. Each subclass is one RFC 9457 problem type with one HTTP status;
 * {@code api.ProblemHandler} maps them in one place. The message is the problem's {@code detail} and
 * must tell the caller what to do next.
 */
public abstract class ControlPlaneException extends RuntimeException {

  private final String field;

  protected ControlPlaneException(String message, String field, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** The HTTP status of this problem. */
  public abstract int status();

  /** The last segment of the problem type URI, e.g. {@code invalid-field}. */
  public abstract String type();

  /** A short, fixed summary of the problem type. */
  public abstract String title();

  /** The request field the problem is about, or {@code null}. */
  public String field() {
    return field;
  }
}
