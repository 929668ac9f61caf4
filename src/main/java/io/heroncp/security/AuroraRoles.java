package io.heroncp.security;

import io.heroncp.topology.Requester;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Aurora roles as Spring Security authorities ({@code AURORA_ROLE_alice}); role {@code *} (admin)
 * also gets {@code ROLE_ADMIN}, which the actuator rules and the health details check.
 */
final class AuroraRoles {

  static final String PREFIX = "AURORA_ROLE_";
  static final String ADMIN = "ADMIN";

  private AuroraRoles() {}

  static List<GrantedAuthority> authorities(Collection<String> roles) {
    List<GrantedAuthority> authorities = new ArrayList<>();
    for (String role : roles) {
      authorities.add(new SimpleGrantedAuthority(PREFIX + role));
      if (SecurityProperties.ALL_ROLES.equals(role)) {
        authorities.add(new SimpleGrantedAuthority("ROLE_" + ADMIN));
      }
    }
    return authorities;
  }

  static Set<String> roles(Authentication authentication) {
    Set<String> roles = new LinkedHashSet<>();
    for (GrantedAuthority authority : authentication.getAuthorities()) {
      String name = authority.getAuthority();
      if (name != null && name.startsWith(PREFIX)) {
        roles.add(name.substring(PREFIX.length()));
      }
    }
    return roles;
  }

  /** The requester an authenticated caller is; {@code null} for none or an anonymous one. */
  static Requester requester(Authentication authentication) {
    if (authentication == null
        || !authentication.isAuthenticated()
        || !(authentication instanceof ApiTokenAuthentication
            || authentication
                instanceof
                org.springframework.security.oauth2.server.resource.authentication
                    .JwtAuthenticationToken)) {
      return null;
    }
    Set<String> roles = roles(authentication);
    boolean admin = roles.remove(SecurityProperties.ALL_ROLES);
    Set<String> clusters =
        authentication instanceof ApiTokenAuthentication token ? token.clusters() : Set.of();
    return new Requester(authentication.getName(), roles, admin, clusters, true);
  }
}
