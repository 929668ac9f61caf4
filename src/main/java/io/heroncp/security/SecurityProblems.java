package io.heroncp.security;

import io.heroncp.problems.ProblemType;
import io.heroncp.topology.Requester;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security chain's answers: 401 (with {@code WWW-Authenticate: Bearer}, RFC 6750) and 403, both
 * {@code application/problem+json} in the shape of {@code api.ProblemHandler}, each with one audit
 * line.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

  private final JsonMapper json;

  /**
   * @param json Spring Boot's mapper, so these bodies follow {@code spring.jackson.*} as every
   *     other answer does
   */
  SecurityProblems(JsonMapper json) {
    this.json = json;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String challenge = "Bearer realm=\"heron-controlplane\"";
    String detail =
        "This endpoint needs credentials: send 'Authorization: Bearer <token>' with an API token or a "
            + "JWT from the organisation's identity provider (heron-cli: set HERON_TOKEN); the API is"
            + " described at /openapi.yaml";
    if (e instanceof OAuth2AuthenticationException oauth
        && request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
      String description =
          oauth.getError().getDescription() == null
              ? "The bearer token was refused"
              : oauth.getError().getDescription();
      description = description.replace('"', '\'').replace('\\', '/');
      challenge += ", error=\"invalid_token\", error_description=\"" + description + "\"";
      detail =
          "The bearer token was refused: "
              + description
              + "; send a valid API token or an unexpired JWT "
              + "of the configured issuer and audience";
    }
    audit(request, null, "UNAUTHORIZED");
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
    write(response, request, ProblemType.UNAUTHORIZED, detail);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    Requester requester = AuroraRoles.requester(authentication);
    String detail;
    if (e instanceof AuthorizationDeniedException denied
        && denied.getAuthorizationResult() instanceof RoleDecision decision) {
      detail = decision.message();
    } else {
      String name = authentication == null ? Requester.ANONYMOUS : authentication.getName();
      detail =
          name
              + " may not "
              + request.getMethod()
              + " "
              + request.getRequestURI()
              + ": it needs role * (admin)"
              + (requester == null
                  ? ""
                  : "; its roles are " + requester.roles().stream().sorted().toList());
    }
    audit(request, requester, "FORBIDDEN");
    write(response, request, ProblemType.FORBIDDEN, detail);
  }

  /** One audit line for a request refused before it reached a controller. */
  static void audit(HttpServletRequest request, Requester requester, String outcome) {
    RefusedAudit.log(
        request,
        requester == null ? Requester.ANONYMOUS : requester.name(),
        requester == null ? "[]" : rolesOf(requester),
        outcome,
        null);
  }

  static String rolesOf(Requester requester) {
    return requester.admin() ? "[*]" : requester.roles().stream().sorted().toList().toString();
  }

  void write(
      HttpServletResponse response, HttpServletRequest request, ProblemType type, String detail)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type.uri().toString());
    body.put("title", type.title());
    body.put("status", type.status());
    body.put("detail", detail);
    body.put("instance", request.getRequestURI());
    body.put("message", detail);
    response.setStatus(type.status());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter().write(json.writeValueAsString(body));
  }
}
