package io.heroncp.problems;

/** The caller may not do this: authenticated or not, the request lacks the right it needs (403). */
public class ForbiddenException extends ControlPlaneException {

  public ForbiddenException(String message) {
    this(message, null);
  }

  public ForbiddenException(String message, String field) {
    super(ProblemType.FORBIDDEN, message, field, null);
  }
}
