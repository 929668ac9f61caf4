package io.heroncp.problems;

/** An uploaded file is larger than the configured limit (413). */
public class PayloadTooLargeException extends ControlPlaneException {

  public PayloadTooLargeException(String message) {
    this(message, null, null);
  }

  public PayloadTooLargeException(String message, String field) {
    this(message, field, null);
  }

  public PayloadTooLargeException(String message, String field, Throwable cause) {
    super(ProblemType.PAYLOAD_TOO_LARGE, message, field, cause);
  }
}
