package io.heroncp.problems;

/** ZooKeeper or an Aurora scheduler cannot be reached now; retry later (503). */
public class DependencyUnavailableException extends ControlPlaneException {

  public DependencyUnavailableException(String message) {
    this(message, null, null);
  }

  public DependencyUnavailableException(String message, String field) {
    this(message, field, null);
  }

  public DependencyUnavailableException(String message, String field, Throwable cause) {
    super(ProblemType.DEPENDENCY_UNAVAILABLE, message, field, cause);
  }
}
