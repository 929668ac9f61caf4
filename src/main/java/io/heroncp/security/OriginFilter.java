package io.heroncp.security;

import io.heroncp.problems.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses (403) any request a browser sent from a page of another origin: an {@code Origin} header
 * not in {@code heroncp.security.allowed-origins}, or {@code Sec-Fetch-Site: cross-site} without an
 * allowed Origin. A cross-site "simple" form POST would otherwise reach the API, in the open local
 * mode too. CLIs send neither.
 */
final class OriginFilter extends OncePerRequestFilter {

  private final Set<String> allowed;
  private final SecurityProblems problems;

  OriginFilter(List<String> allowedOrigins, SecurityProblems problems) {
    this.allowed = Set.copyOf(allowedOrigins);
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String origin = request.getHeader("Origin");
    boolean originAllowed = origin != null && allowed.contains(origin);
    String detail = null;
    if (origin != null && !originAllowed) {
      detail =
          "Requests from origin "
              + origin
              + " are refused: it is not in heroncp.security.allowed-origins";
    } else if (origin == null
        && "cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
      detail =
          "Cross-site requests are refused (Sec-Fetch-Site: cross-site without an allowed Origin); add the "
              + "calling page's origin to heroncp.security.allowed-origins";
    }
    if (detail != null) {
      SecurityProblems.audit(request, AuroraRoles.requester(null), "FORBIDDEN_ORIGIN");
      problems.write(response, request, ProblemType.FORBIDDEN, detail);
      return;
    }
    chain.doFilter(request, response);
  }
}
