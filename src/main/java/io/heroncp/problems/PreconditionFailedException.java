package io.heroncp.problems;

/**
 * An {@code If-Match} precondition does not hold: the topology changed since the client read it
 * (412).
 */
public class PreconditionFailedException extends ControlPlaneException {

  public PreconditionFailedException(String message) {
    super(ProblemType.PRECONDITION_FAILED, message, "If-Match", null);
  }
}
