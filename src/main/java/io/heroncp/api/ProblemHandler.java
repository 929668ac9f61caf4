package io.heroncp.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.heroncp.problems.BusyException;
import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.NotReadyException;
import io.heroncp.problems.ProblemType;
import io.heroncp.security.RefusedAudit;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one place that turns errors into RFC 9457 {@code application/problem+json}. Every body also
 * has a {@code message} member, which Heron's CLI prints, and {@code field} when one request field
 * is at fault. Unexpected errors answer 500 with an opaque detail; the stack trace stays in the
 * log.
 */
@RestControllerAdvice
class ProblemHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ControlPlaneException.class)
  ResponseEntity<ProblemDetail> controlPlane(ControlPlaneException e, HttpServletRequest request) {
    ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
    if (e.status() == 503) {
      response.header(HttpHeaders.RETRY_AFTER, "5");
    }
    if (e instanceof BusyException busy) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString(busy.retryAfterSeconds()));
    }
    if (e instanceof NotReadyException notReady) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString(notReady.retryAfterSeconds()));
    }
    if (e.problemType() == ProblemType.FORBIDDEN) {
      String roles = org.slf4j.MDC.get("roles");
      RefusedAudit.log(
          request,
          request.getUserPrincipal() == null ? "anonymous" : request.getUserPrincipal().getName(),
          roles == null ? "[]" : roles,
          "FORBIDDEN",
          e.getMessage());
    }
    if (e.status() >= 500) {
      log.warn(
          "{} {} answered {}: {}",
          request.getMethod(),
          request.getRequestURI(),
          e.status(),
          e.getMessage());
    }
    ProblemDetail problem = problem(e.problemType(), e.getMessage(), request);
    if (e.field() != null) {
      problem.setProperty("field", e.field());
    }
    if (e instanceof MissingFieldsException missing) {
      problem.setProperty("errors", new MissingFields(missing.fields()));
    }
    return response.contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }

  @ExceptionHandler({
    MultipartException.class,
    MissingServletRequestParameterException.class,
    MethodArgumentTypeMismatchException.class
  })
  ResponseEntity<ProblemDetail> malformed(Exception e, HttpServletRequest request) {
    if (e instanceof MaxUploadSizeExceededException) {
      return body(
          ProblemType.PAYLOAD_TOO_LARGE,
          "The request is larger than the service accepts; see heroncp.packages.max-upload-size",
          request);
    }
    if (e instanceof MethodArgumentTypeMismatchException mismatch) {
      // Names the field and the expected kind of value, never a Java type.
      ResponseEntity<ProblemDetail> response =
          body(
              ProblemType.MALFORMED_REQUEST,
              mismatch.getName() + " must be " + kindOf(mismatch.getRequiredType()),
              request);
      response.getBody().setProperty("field", mismatch.getName());
      return response;
    }
    if (e instanceof MissingServletRequestParameterException missing) {
      ResponseEntity<ProblemDetail> response =
          body(ProblemType.MALFORMED_REQUEST, missing.getParameterName() + " is required", request);
      response.getBody().setProperty("field", missing.getParameterName());
      return response;
    }
    String detail =
        "The multipart/form-data body cannot be parsed: "
            + (rootMessage(e).contains("Exception") || rootMessage(e).contains("java.")
                ? "check the boundary and the parts"
                : rootMessage(e));
    return body(ProblemType.MALFORMED_REQUEST, detail, request);
  }

  /** What kind of value a parameter takes, in words. */
  private static String kindOf(Class<?> type) {
    if (type == null) {
      return "a valid value";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of " + List.of(type.getEnumConstants());
    }
    return "a valid value";
  }

  /**
   * Tomcat could not decode the form or query fields: bad percent-encoding, or a body that ended
   * (or stalled past the connection timeout) before its Content-Length.
   */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<ProblemDetail> undecodableFields(Exception e, HttpServletRequest request) {
    return body(
        ProblemType.MALFORMED_REQUEST,
        "The form or query fields cannot be decoded: bad percent-encoding, or a body shorter than"
            + " its Content-Length",
        request);
  }

  /** Spring Security's firewall refused a parameter name or value when it was first read. */
  @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
  ResponseEntity<ProblemDetail> rejected(Exception e, HttpServletRequest request) {
    return body(
        ProblemType.MALFORMED_REQUEST,
        "A field name or value holds characters the service does not accept (control or"
            + " unassigned characters)",
        request);
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ProblemDetail> mediaType(
      HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
    return body(
        ProblemType.UNSUPPORTED_MEDIA_TYPE,
        "Content-Type "
            + e.getContentType()
            + " is not accepted here; use one of "
            + e.getSupportedMediaTypes(),
        request);
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ProblemDetail> method(
      HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
    ResponseEntity<ProblemDetail> response =
        body(
            ProblemType.METHOD_NOT_ALLOWED,
            e.getMethod() + " is not supported on " + request.getRequestURI(),
            request);
    return ResponseEntity.status(response.getStatusCode())
        .headers(response.getHeaders())
        .header(
            HttpHeaders.ALLOW,
            String.join(
                ", ",
                e.getSupportedMethods() == null ? List.of() : List.of(e.getSupportedMethods())))
        .body(response.getBody());
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e, HttpServletRequest request) {
    return body(
        ProblemType.NOT_FOUND,
        "No endpoint at " + request.getRequestURI() + "; see /openapi.yaml for the API",
        request);
  }

  /** The client left while its answer was being written (an event stream): no one to answer. */
  @ExceptionHandler(AsyncRequestNotUsableException.class)
  void clientGone(AsyncRequestNotUsableException e, HttpServletRequest request) {
    log.debug(
        "{} {}: the client left ({})", request.getMethod(), request.getRequestURI(), e.toString());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    if (e instanceof org.springframework.web.ErrorResponse spring
        && spring.getStatusCode().is4xxClientError()) {
      // Spring MVC refused the request (unreadable body, unacceptable Accept, missing header...):
      // the status is the client's to know, the exception's words are not.
      int status = spring.getStatusCode().value();
      return ResponseEntity.status(status)
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(ProblemErrorController.problem(status, request.getRequestURI()));
    }
    log.error("{} {} failed unexpectedly", request.getMethod(), request.getRequestURI(), e);
    return body(
        ProblemType.INTERNAL_ERROR,
        "The service failed unexpectedly; the error is logged. Nothing more is known to the client",
        request);
  }

  private static ResponseEntity<ProblemDetail> body(
      ProblemType type, String detail, HttpServletRequest request) {
    return ResponseEntity.status(type.status())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem(type, detail, request));
  }

  static ProblemDetail problem(ProblemType type, String detail, HttpServletRequest request) {
    ProblemDetail problem = ProblemDetail.forStatus(type.status());
    problem.setType(type.uri());
    problem.setTitle(type.title());
    problem.setDetail(detail);
    problem.setInstance(URI.create(request.getRequestURI()));
    problem.setProperty("message", detail);
    return problem;
  }

  /** heron-apiserver's list of missing form fields. */
  record MissingFields(@JsonProperty("missing_parameters") List<String> missingParameters) {}

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
