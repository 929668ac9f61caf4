package io.heroncp.problems;

/**
 * The request cannot be parsed: an unreadable multipart body, or a file that is not what its field
 * says (400).
 */
public class MalformedRequestException extends ControlPlaneException {

  public MalformedRequestException(String message) {
    this(message, null, null);
  }

  public MalformedRequestException(String message, String field) {
    this(message, field, null);
  }

  public MalformedRequestException(String message, String field, Throwable cause) {
    super(ProblemType.MALFORMED_REQUEST, message, field, cause);
  }
}
