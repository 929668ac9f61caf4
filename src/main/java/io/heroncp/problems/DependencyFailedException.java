package io.heroncp.problems;

/**
 * A dependency answered with an error the service cannot recover from, e.g. Aurora's ERROR response
 * (502).
 */
public class DependencyFailedException extends ControlPlaneException {

  public DependencyFailedException(String message) {
    this(message, null, null);
  }

  public DependencyFailedException(String message, String field) {
    this(message, field, null);
  }

  public DependencyFailedException(String message, String field, Throwable cause) {
    super(ProblemType.DEPENDENCY_FAILED, message, field, cause);
  }
}
