package io.heroncp.api;

import io.heroncp.problems.ProblemType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's {@code /error} answer: every error the servlet container routes here (a
 * request refused by a filter, the firewall or the container) is {@code application/problem+json}
 * in the same format as {@link ProblemHandler}'s, with a fixed detail per status: never an
 * exception's message, a Java type or a dependency's words.
 */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping("${server.error.path:/error}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = clientStatus(code instanceof Integer number && number >= 400 ? number : 500);
    if (status == 500) {
      status = refusedByAFilter(request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
    }
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    ProblemDetail problem =
        problem(status, uri instanceof String path ? path : request.getRequestURI());
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  /**
   * A filter that threw because of the request itself (Spring's form filter on an undecodable body,
   * Tomcat's parameter parsing, the firewall) refused it: 400 (or the 4xx Spring named), not 500.
   */
  private static int refusedByAFilter(Object thrown) {
    for (Throwable t = thrown instanceof Throwable throwable ? throwable : null;
        t != null;
        t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.springframework.web.ErrorResponse spring
          && spring.getStatusCode().is4xxClientError()) {
        return spring.getStatusCode().value();
      }
      if (t instanceof org.springframework.http.converter.HttpMessageNotReadableException
          || t instanceof org.apache.tomcat.util.http.InvalidParameterException
          || t instanceof org.springframework.security.web.firewall.RequestRejectedException
          || t instanceof org.springframework.web.multipart.MultipartException) {
        return 400;
      }
    }
    return 500;
  }

  /**
   * The container's 501 (a method no servlet implements, e.g. CONNECT) and 505 (an HTTP version it
   * does not speak) are the client's errors: 405 and 400, so every refusal is a 4xx.
   */
  static int clientStatus(int status) {
    return switch (status) {
      case 501 -> 405;
      case 505 -> 400;
      default -> status;
    };
  }

  /** The problem for a status the container or a filter decided, with what to do next. */
  static ProblemDetail problem(int status, String path) {
    ProblemDetail problem = ProblemDetail.forStatus(status);
    ProblemType type = typeOf(status);
    String detail = detailOf(status, path);
    if (type != null) {
      problem.setType(type.uri());
      problem.setTitle(type.title());
    } else {
      HttpStatus known = HttpStatus.resolve(status);
      problem.setTitle(known == null ? "Error" : known.getReasonPhrase());
    }
    problem.setDetail(detail);
    problem.setProperty("message", detail);
    if (path != null && path.startsWith("/") && path.length() <= 2048) {
      try {
        problem.setInstance(URI.create(path));
      } catch (IllegalArgumentException unencodable) {
        // the path itself was the problem; leave instance out
      }
    }
    return problem;
  }

  private static ProblemType typeOf(int status) {
    for (ProblemType type : ProblemType.values()) {
      if (type.status() == status) {
        return type;
      }
    }
    return null;
  }

  private static String detailOf(int status, String path) {
    return switch (status) {
      case 400 ->
          "The request is malformed (its request line, a header, the URL's encoding or the body);"
              + " check it and send it again";
      case 401 -> "Authentication is required: send Authorization: Bearer <token>";
      case 403 -> "This request is not allowed";
      case 404 -> "No endpoint at this path; see openapi.yaml for the API";
      case 405 -> "This method is not supported on this path; see openapi.yaml for the API";
      case 408 -> "The request was not received in time; send it again";
      case 413 -> "The request is larger than the service accepts";
      case 414 -> "The URL is too long";
      case 415 -> "This Content-Type is not accepted here; see openapi.yaml for the API";
      case 431 -> "The request's headers are too large";
      case 503 -> "The service is not ready; retry later";
      default ->
          status < 500
              ? "The request was refused (" + status + "); see openapi.yaml for the API"
              : "The service failed unexpectedly; the error is logged. Nothing more is known to"
                  + " the client";
    };
  }
}
