package io.heroncp.security;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * An authenticated API token: its principal, its Aurora roles (as authorities) and its clusters.
 * Holds no token.
 */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

  private final String principal;
  private final Set<String> clusters;

  ApiTokenAuthentication(
      String principal, Collection<? extends GrantedAuthority> authorities, List<String> clusters) {
    super(authorities);
    this.principal = principal;
    this.clusters = Set.copyOf(clusters);
    setAuthenticated(true);
  }

  Set<String> clusters() {
    return clusters;
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public Object getPrincipal() {
    return principal;
  }

  @Override
  public String getName() {
    return principal;
  }
}
