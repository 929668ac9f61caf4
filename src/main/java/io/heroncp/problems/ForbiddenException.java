package io.heroncp.problems;

/** The caller may not do this: authenticated or not, the request lacks the right it needs (403). */
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
