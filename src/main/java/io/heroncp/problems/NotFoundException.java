package io.heroncp.problems;

/** The addressed resource does not exist (404). */
public class NotFoundException extends ControlPlaneException {

  public NotFoundException(String message) {
    this(message, null, null);
  }

  public NotFoundException(String message, String field) {
    this(message, field, null);
  }

  public NotFoundException(String message, String field, Throwable cause) {
    super(ProblemType.NOT_FOUND, message, field, cause);
  }
}
