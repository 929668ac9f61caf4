package io.heroncp.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the service ({@code heroncp.security.*}). Off by default (the open local mode); the
 * JWT decoder itself is Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*}.
 *
 * @param enabled whether callers must authenticate (Bearer API token or JWT) and are authorized by
 *     Aurora role
 * @param tokens API tokens by id: the token's SHA-256 (never the token), its principal and roles
 * @param jwt how a JWT's claims map to the principal and its Aurora roles
 * @param readAccess who may read topologies, history, operations and clusters
 * @param metricsOpen whether {@code /actuator/prometheus} answers without credentials
 * @param allowedOrigins browser origins ({@code Origin} header) allowed to call; every other origin
 *     is 403
 * @param packageUrlSecret the HMAC key signing package URLs for Aurora's agents; required when
 *     enabled
 * @param packageUrlPreviousSecrets earlier secrets still accepted when verifying (rotation)
 */
@Validated
@ConfigurationProperties("heroncp.security")
public record SecurityProperties(
    @DefaultValue("false") boolean enabled,
    @NotNull @DefaultValue Map<String, @Valid Token> tokens,
    @NotNull @Valid @DefaultValue Jwt jwt,
    @NotNull @DefaultValue("AUTHENTICATED") ReadAccess readAccess,
    @DefaultValue("true") boolean metricsOpen,
    @NotNull @DefaultValue List<String> allowedOrigins,
    String packageUrlSecret,
    @NotNull @DefaultValue List<String> packageUrlPreviousSecrets) {

  /** Any role: an admin, who may act as every role and for other users. */
  public static final String ALL_ROLES = "*";

  /**
   * One API token.
   *
   * @param sha256 the hex SHA-256 of the token ({@code printf %s "$TOKEN" | sha256sum})
   * @param principal the name recorded as the requester
   * @param roles the Aurora roles it may act as ({@code *} = all, admin)
   * @param clusters the clusters it may act in; empty = all
   */
  public record Token(
      @NotNull
          @Pattern(
              regexp = "^[0-9a-fA-F]{64}$",
              message =
                  "must be the 64 hex digits of the token's SHA-256 "
                      + "(printf %s \"$TOKEN\" | sha256sum)")
          String sha256,
      @NotBlank String principal,
      @NotNull @DefaultValue List<String> roles,
      @NotNull @DefaultValue List<String> clusters) {}

  /**
   * @param principalClaim the claim naming the principal
   * @param rolesClaim the list claim holding the Aurora roles ({@code *} = admin)
   * @param rolePrefix when set, only values with this prefix count, the prefix stripped ({@code
   *     aurora-alice})
   */
  public record Jwt(
      @NotBlank @DefaultValue("sub") String principalClaim,
      @NotBlank @DefaultValue("aurora_roles") String rolesClaim,
      String rolePrefix) {}

  public enum ReadAccess {
    AUTHENTICATED,
    ANYONE
  }

  @AssertTrue(
      message =
          "heroncp.security.package-url-secret must be set (at least 32 characters) when "
              + "heroncp.security.enabled is true: it signs the package URLs handed to Aurora (e.g. openssl rand -hex 32)")
  public boolean isPackageUrlSecretValid() {
    return !enabled || (packageUrlSecret != null && packageUrlSecret.length() >= 32);
  }

  @AssertTrue(
      message =
          "heroncp.security.tokens.*.roles must not be empty: a token needs at least one Aurora role "
              + "(or * for all)")
  public boolean isEveryTokenGivenRoles() {
    return tokens.values().stream().allMatch(token -> token == null || !token.roles().isEmpty());
  }
}
