package io.heroncp.aurora;

import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.problems.DependencyFailedException;

/**
 * Aurora answered a call with a response code other than OK (HTTP 200 with {@code responseCode}
 * INVALID_REQUEST, AUTH_FAILED, JOB_UPDATING_ERROR or ERROR). It is a 502 unless the caller maps it
 * to something more precise, as {@link AuroraProblems} does.
 */
public class AuroraResponseException extends DependencyFailedException {

  private final String method;
  private final ResponseCode code;
  private final String details;
  private final transient Response response;

  public AuroraResponseException(
      String method, ResponseCode code, String details, Response response) {
    super("Aurora rejected " + method + " with " + code + ": " + details);
    this.method = method;
    this.code = code;
    this.details = details;
    this.response = response;
  }

  /** The Thrift method that was called. */
  public String method() {
    return method;
  }

  /** Aurora's response code. */
  public ResponseCode code() {
    return code;
  }

  /**
   * Aurora's detail messages joined with "; " (e.g. {@code Job www-data/prod/hello already
   * exists}).
   */
  public String details() {
    return details;
  }

  /**
   * The whole response, e.g. for startJobUpdate's INVALID_REQUEST that carries the existing update.
   */
  public Response response() {
    return response;
  }
}
