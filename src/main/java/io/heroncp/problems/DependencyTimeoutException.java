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
    super(message, field, cause);
  }

  @Override
  public int status() {
    return 504;
  }

  @Override
  public String type() {
    return "dependency-timeout";
  }

  @Override
  public String title() {
    return "Dependency timed out";
  }
}
