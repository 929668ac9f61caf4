package io.heroncp.problems;

/** ZooKeeper or an Aurora scheduler did not answer in time (504). */
public class DependencyTimeoutException extends ControlPlaneException {

  public DependencyTimeoutException(String message) {
    this(message, null, null);
  }

  public DependencyTimeoutException(String message, String field) {
    this(message, field, null);
  }

  public DependencyTimeoutException(String message, String field, Throwable cause) {
    super(ProblemType.DEPENDENCY_TIMEOUT, message, field, cause);
  }
}
