package io.heroncp.problems;

/**
 * Rebuilds a domain exception from a recorded problem type and detail, so that a replayed request (same
 * {@code Idempotency-Key}) answers exactly as the first one did.
 */
public final class Problems {

  private Problems() {}

  public static ControlPlaneException fromType(String type, String detail) {
    String message = detail == null ? "" : detail;
    return switch (type == null ? "" : type) {
      case "malformed-request" -> new MalformedRequestException(message);
      case "invalid-field" -> new InvalidFieldException(message);
      case "conflict" -> new ConflictException(message);
      case "forbidden" -> new ForbiddenException(message);
      case "not-found" -> new NotFoundException(message);
      case "payload-too-large" -> new PayloadTooLargeException(message);
      case "precondition-failed" -> new PreconditionFailedException(message);
      case "dependency-unavailable" -> new DependencyUnavailableException(message);
      case "dependency-timeout" -> new DependencyTimeoutException(message);
      default -> new DependencyFailedException(message);
    };
  }
}
