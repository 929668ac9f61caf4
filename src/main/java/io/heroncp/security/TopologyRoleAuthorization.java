package io.heroncp.security;

import io.heroncp.problems.ForbiddenException;
import io.heroncp.topology.Requester;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * A mutation of {@code /api/v1/topologies/{cluster}/{role}/{environment}/{name}[/verb]} needs that
 * role among the principal's roles (and the cluster among its clusters, when restricted): decided
 * from the path before any controller runs, so nothing is written when it is refused.
 */
final class TopologyRoleAuthorization implements AuthorizationManager<RequestAuthorizationContext> {

  @Override
  public AuthorizationResult authorize(
      Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
    Requester requester = AuroraRoles.requester(authentication.get());
    if (requester == null) {
      return new AuthorizationDecision(false); // anonymous: the entry point answers 401
    }
    Map<String, String> path = context.getVariables();
    String verb =
        path.getOrDefault(
                "verb",
                context.getRequest().getMethod().equals("DELETE")
                    ? "kill"
                    : context.getRequest().getMethod())
            .toLowerCase(Locale.ROOT);
    try {
      requester.requireMayActAs(path.get("cluster"), path.get("role"), verb);
      return new RoleDecision(true, null);
    } catch (ForbiddenException refused) {
      return new RoleDecision(false, refused.getMessage());
    }
  }
}
