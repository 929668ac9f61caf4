package io.heroncp.api;

import io.heroncp.topology.OperationRequest;
import io.heroncp.topology.OperationResult;
import io.heroncp.topology.Requester;
import io.heroncp.topology.TopologyKey;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
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
        blankToNull(request.getHeader("Idempotency-Key")),
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

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
