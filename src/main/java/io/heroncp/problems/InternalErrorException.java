package io.heroncp.problems;

/**
 * The service failed unexpectedly (500). Only replays raise it: a retry of an operation that ended
 * with an unexpected error answers as the first request did.
 */
public class InternalErrorException extends ControlPlaneException {

  public InternalErrorException(String message) {
    super(ProblemType.INTERNAL_ERROR, message, null, null);
  }
}
