package io.heroncp.problems;

import java.net.URI;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Every RFC 9457 problem type the service answers: the last segment of its type URI, its HTTP
 * status and title. The types with a domain exception name how to rebuild it (for idempotent
 * replays).
 */
public enum ProblemType {
  MALFORMED_REQUEST("malformed-request", 400, "Malformed request", MalformedRequestException::new),
  UNAUTHORIZED("unauthorized", 401, "Unauthorized", null),
  FORBIDDEN("forbidden", 403, "Forbidden", ForbiddenException::new),
  QUOTA_EXCEEDED("quota-exceeded", 403, "Quota exceeded", QuotaExceededException::new),
  NOT_FOUND("not-found", 404, "Not found", NotFoundException::new),
  METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed", null),
  CONFLICT("conflict", 409, "Conflict", ConflictException::new),
  PRECONDITION_FAILED(
      "precondition-failed", 412, "Precondition failed", PreconditionFailedException::new),
  PAYLOAD_TOO_LARGE("payload-too-large", 413, "Payload too large", PayloadTooLargeException::new),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type", null),
  INVALID_FIELD("invalid-field", 422, "Invalid field", InvalidFieldException::new),
  INTERNAL_ERROR("internal-error", 500, "Internal error", InternalErrorException::new),
  DEPENDENCY_FAILED("dependency-failed", 502, "Dependency failed", DependencyFailedException::new),
  CLUSTER_MISCONFIGURED(
      "cluster-misconfigured", 502, "Cluster misconfigured", ClusterMisconfiguredException::new),
  NOT_READY("not-ready", 503, "Not ready", NotReadyException::new),
  DEPENDENCY_UNAVAILABLE(
      "dependency-unavailable", 503, "Dependency unavailable", DependencyUnavailableException::new),
  AT_CAPACITY("at-capacity", 503, "At capacity", null),
  DEPENDENCY_TIMEOUT(
      "dependency-timeout", 504, "Dependency timed out", DependencyTimeoutException::new);

  /** What every type URI starts with. */
  public static final String URI_PREFIX = "urn:heron-controlplane:problem:";

  private final String suffix;
  private final int status;
  private final String title;
  private final Function<String, ControlPlaneException> exception;

  ProblemType(
      String suffix, int status, String title, Function<String, ControlPlaneException> exception) {
    this.suffix = suffix;
    this.status = status;
    this.title = title;
    this.exception = exception;
  }

  /** The last segment of the type URI, e.g. {@code invalid-field}; what operation records store. */
  public String suffix() {
    return suffix;
  }

  public URI uri() {
    return URI.create(URI_PREFIX + suffix);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /**
   * Rebuilds the domain exception of a recorded type and detail, so that a replayed request (same
   * {@code Idempotency-Key}) answers exactly as the first one did; an unknown or unrecorded type is
   * a dependency failure.
   */
  public static ControlPlaneException rebuild(String suffix, String detail) {
    ProblemType type =
        Arrays.stream(values())
            .filter(t -> t.suffix.equals(suffix) && t.exception != null)
            .findFirst()
            .orElse(DEPENDENCY_FAILED);
    return type.exception.apply(detail == null ? "" : detail);
  }
}
