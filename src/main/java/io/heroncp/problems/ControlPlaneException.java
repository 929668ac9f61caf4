package io.heroncp.problems;

/**
 * Base of the service's domain errors. Each subclass stands for one {@link ProblemType} (type URI,
 * HTTP status, title); {@code api.ProblemHandler} maps them in one place. The message is the
 * problem's {@code detail} and must tell the caller what to do next.
 */
public abstract class ControlPlaneException extends RuntimeException {

  private final ProblemType problemType;
  private final String field;

  protected ControlPlaneException(
      ProblemType problemType, String message, String field, Throwable cause) {
    super(message, cause);
    this.problemType = problemType;
    this.field = field;
  }

  public final ProblemType problemType() {
    return problemType;
  }

  /** The HTTP status of this problem. */
  public final int status() {
    return problemType.status();
  }

  /** The last segment of the problem type URI, e.g. {@code invalid-field}. */
  public final String type() {
    return problemType.suffix();
  }

  /** A short, fixed summary of the problem type. */
  public final String title() {
    return problemType.title();
  }

  /** The request field the problem is about, or {@code null}. */
  public String field() {
    return field;
  }
}
