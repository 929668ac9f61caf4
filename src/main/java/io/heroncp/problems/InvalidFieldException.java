package io.heroncp.problems;

/**
 * The request is well formed but a field breaks a rule: missing, unknown cluster, bad identifier
 * (422).
 */
public class InvalidFieldException extends ControlPlaneException {

  public InvalidFieldException(String message) {
    this(message, null, null);
  }

  public InvalidFieldException(String message, String field) {
    this(message, field, null);
  }

  public InvalidFieldException(String message, String field, Throwable cause) {
    super(ProblemType.INVALID_FIELD, message, field, cause);
  }
}
