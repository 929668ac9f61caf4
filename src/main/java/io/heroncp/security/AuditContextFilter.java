package io.heroncp.security;

import io.heroncp.topology.Requester;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the caller's remote address and Aurora roles in the MDC ({@code remote}, {@code roles}) for
 * the operation's audit line (see {@code OperationRunner}).
 */
final class AuditContextFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Requester requester =
        AuroraRoles.requester(SecurityContextHolder.getContext().getAuthentication());
    MDC.put("remote", request.getRemoteAddr());
    MDC.put("roles", requester == null ? "[]" : SecurityProblems.rolesOf(requester));
    try {
      chain.doFilter(request, response);
    } finally {
      MDC.remove("remote");
      MDC.remove("roles");
    }
  }
}
