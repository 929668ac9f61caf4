package io.heroncp.problems;

/** The request is well formed but a field breaks a rule: missing, unknown cluster, bad identifier (422). */
public class InvalidFieldException extends ControlPlaneException {

  public InvalidFieldException(String message) {
    this(message, null, null);
  }

  public InvalidFieldException(String message, String field) {
    this(message, field, null);
  }

  public InvalidFieldException(String message, String field, Throwable cause) {
    super(message, field, cause);
  }

  @Override
  public int status() {
    return 422;
  }

  @Override
  public String type() {
    return "invalid-field";
  }

  @Override
  public String title() {
    return "Invalid field";
  }
}
