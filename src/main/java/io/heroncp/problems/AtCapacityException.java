package io.heroncp.problems;

/**
 * This replica serves as much as it is configured to (e.g. its maximum of event streams); the same
 * request may succeed later or on another replica (503 with {@code Retry-After}).
 */
public class AtCapacityException extends ControlPlaneException {

  public AtCapacityException(String message) {
    super(ProblemType.AT_CAPACITY, message, null, null);
  }
}
