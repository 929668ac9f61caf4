package io.heroncp.api;

import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.OperationRequest;
import io.heroncp.topology.OperationResult;
import io.heroncp.topology.RequestBounds;
import io.heroncp.topology.Requester;
import io.heroncp.topology.TopologyKey;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;

/**
 * Reads who asks and how (idempotency key, If-Match, async preference) from a request, and shapes
 * answers.
 */
final class Requesters {

  private Requesters() {}

  /**
   * The name recorded as the requester: the principal when security is on (a {@code user} field
   * naming someone else is 403 unless the principal is admin), else the {@code user} form field or
   * {@code anonymous}.
   */
  static String of(Requester requester, HttpServletRequest request, String verb) {
    requester.submitUser(request.getParameter("user"), verb);
    return requester.name();
  }

  /** The idempotency scope: method and path. */
  static String scope(HttpServletRequest request) {
    return request.getMethod() + "\n" + request.getRequestURI();
  }

  static OperationRequest operation(
      Requester requester, HttpServletRequest request, TopologyKey key, String verb) {
    String prefer = request.getHeader("Prefer");
    boolean async = prefer != null && prefer.toLowerCase(Locale.ROOT).contains("respond-async");
    return new OperationRequest(
        key,
        of(requester, request, verb),
        idempotencyKey(request),
        scope(request),
        blankToNull(request.getHeader("If-Match")),
        async);
  }

  /**
   * 202 with the operation's URL when it goes on in the background; otherwise 200 with the
   * topology, the operation and heron-apiserver's {@code message}.
   */
  static ResponseEntity<TopologyViews.VerbAnswer> answer(OperationResult result, String message) {
    if (result.accepted()) {
      return ResponseEntity.accepted()
          .location(URI.create("/api/v1/operations/" + result.operation().id()))
          .body(OperationViews.of(result.operation()));
    }
    TopologyViews.VerbDone body =
        new TopologyViews.VerbDone(
            result.record() == null ? null : TopologyViews.of(result.record(), null),
            message,
            OperationViews.of(result.operation()));
    ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
    if (result.record() != null
        && result.record().state() != io.heroncp.topology.TopologyState.KILLED) {
      ok.eTag("\"" + result.record().version() + "\"");
    }
    if (result.replayed()) {
      ok.header("Idempotent-Replayed", "true");
    }
    return ok.body(body);
  }

  /**
   * The topology a request's path names, its identifiers checked before anything is looked up, and
   * its form fields within {@code heroncp.limits.max-form-size}.
   */
  static TopologyKey key(
      RequestBounds bounds,
      HttpServletRequest request,
      String cluster,
      String role,
      String environment,
      String name) {
    TopologyKey key = bounds.key(cluster, role, environment, name);
    bounds.formSize(formSize(request));
    return key;
  }

  /** Characters of all form (and query) fields, names and values. */
  static long formSize(HttpServletRequest request) {
    long size = 0;
    for (Map.Entry<String, String[]> field : request.getParameterMap().entrySet()) {
      size += field.getKey().length();
      for (String value : field.getValue()) {
        size += value == null ? 0 : value.length() + 1;
      }
    }
    return size;
  }

  /** The {@code Idempotency-Key} header: at most 255 printable ASCII characters, or null. */
  static String idempotencyKey(HttpServletRequest request) {
    String key = blankToNull(request.getHeader("Idempotency-Key"));
    if (key != null && (key.length() > 255 || !key.matches("^[\\x21-\\x7e]+$"))) {
      throw new InvalidFieldException(
          "Idempotency-Key must be 1 to 255 printable ASCII characters without blanks"
              + " (e.g. a UUID)",
          "Idempotency-Key");
    }
    return key;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
