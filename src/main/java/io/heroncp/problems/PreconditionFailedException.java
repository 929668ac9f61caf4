package io.heroncp.problems;

/** An {@code If-Match} precondition does not hold: the topology changed since the client read it (412). */
public class PreconditionFailedException extends ControlPlaneException {

  public PreconditionFailedException(String message) {
    super(message, "If-Match", null);
  }

  @Override
  public int status() {
    return 412;
  }

  @Override
  public String type() {
    return "precondition-failed";
  }

  @Override
  public String title() {
    return "Precondition failed";
  }
}
