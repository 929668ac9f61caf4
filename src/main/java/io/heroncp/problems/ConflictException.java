package io.heroncp.problems;

/** The request conflicts with the current state, e.g. the topology already exists (409). */
public class ConflictException extends ControlPlaneException {

  public ConflictException(String message) {
    this(message, null, null);
  }

  public ConflictException(String message, String field) {
    this(message, field, null);
  }

  public ConflictException(String message, String field, Throwable cause) {
    super(ProblemType.CONFLICT, message, field, cause);
  }
}
