package io.heroncp.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * A JWT's Aurora roles: the list claim {@code heroncp.security.jwt.roles-claim}; with a role prefix
 * only values carrying it count, the prefix stripped ({@code aurora-alice} → {@code alice}). A
 * missing claim is no roles.
 */
final class JwtRoles implements Converter<Jwt, Collection<GrantedAuthority>> {

  private final SecurityProperties.Jwt settings;

  JwtRoles(SecurityProperties.Jwt settings) {
    this.settings = settings;
  }

  static JwtAuthenticationConverter converter(SecurityProperties.Jwt settings) {
    JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
    converter.setPrincipalClaimName(settings.principalClaim());
    converter.setJwtGrantedAuthoritiesConverter(new JwtRoles(settings));
    return converter;
  }

  List<String> roles(Jwt jwt) {
    List<String> values =
        jwt.hasClaim(settings.rolesClaim())
            ? jwt.getClaimAsStringList(settings.rolesClaim())
            : null;
    List<String> roles = new ArrayList<>();
    String prefix = settings.rolePrefix();
    for (String value : values == null ? List.<String>of() : values) {
      if (prefix == null || prefix.isEmpty()) {
        roles.add(value);
      } else if (value.startsWith(prefix) && value.length() > prefix.length()) {
        roles.add(value.substring(prefix.length()));
      }
    }
    return roles;
  }

  @Override
  public Collection<GrantedAuthority> convert(Jwt jwt) {
    return AuroraRoles.authorities(roles(jwt));
  }
}
