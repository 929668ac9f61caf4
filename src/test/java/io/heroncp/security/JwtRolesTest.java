package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.topology.Requester;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * How a JWT's claims become the requester: the principal claim, the roles claim, the role prefix,
 * {@code *}.
 */
class JwtRolesTest {

  private static Jwt jwt(String subject, Object roles) {
    Jwt.Builder builder =
        Jwt.withTokenValue("t")
            .header("alg", "RS256")
            .subject(subject)
            .claim("email", subject + "@example.com")
            .issuedAt(Instant.now())
            .expiresAt(Instant.now().plusSeconds(60));
    if (roles != null) {
      builder.claim("groups", roles);
    }
    return builder.build();
  }

  private static Requester requester(SecurityProperties.Jwt settings, Jwt jwt) {
    return AuroraRoles.requester(JwtRoles.converter(settings).convert(jwt));
  }

  @Test
  void aRolePrefixKeepsOnlyPrefixedGroupsWithThePrefixStripped() {
    SecurityProperties.Jwt settings = new SecurityProperties.Jwt("email", "groups", "aurora-");

    Requester requester =
        requester(
            settings, jwt("alice", List.of("aurora-alice", "staff", "aurora-", "aurora-etl")));

    assertThat(requester.name()).isEqualTo("alice@example.com");
    assertThat(requester.roles()).containsExactlyInAnyOrder("alice", "etl");
    assertThat(requester.admin()).isFalse();
    assertThat(requester.mayActAs("local", "etl")).isTrue();
    assertThat(requester.mayActAs("local", "staff")).isFalse();
  }

  @Test
  void starIsAdminAndAMissingClaimIsNoRoles() {
    SecurityProperties.Jwt settings = new SecurityProperties.Jwt("sub", "groups", null);

    assertThat(requester(settings, jwt("ops", List.of("*"))).admin()).isTrue();
    assertThat(requester(settings, jwt("ops", List.of("*"))).mayActAs("any", "bob")).isTrue();
    Requester none = requester(settings, jwt("dave", null));
    assertThat(none.roles()).isEmpty();
    assertThat(none.mayActAs("local", "dave")).isFalse();
  }
}
