package io.heroncp.problems;

/** The caller is authenticated but may not do this (403); the message names the principal, the role and the verb. */
public class ForbiddenException extends ControlPlaneException {

  public ForbiddenException(String message) {
    this(message, null);
  }

  public ForbiddenException(String message, String field) {
    super(message, field, null);
  }

  @Override
  public int status() {
    return 403;
  }

  @Override
  public String type() {
    return "forbidden";
  }

  @Override
  public String title() {
    return "Forbidden";
  }
}
