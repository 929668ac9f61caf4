package io.heroncp.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Checks an opaque bearer against the configured API tokens' SHA-256 hashes. Every hash is compared
 * (constant time, no early exit), so the time taken says nothing about which or how many bytes
 * matched. The token itself is neither kept nor logged.
 */
final class ApiTokenAuthenticator {

  private record Entry(byte[] sha256, SecurityProperties.Token token) {}

  private final List<Entry> entries;

  ApiTokenAuthenticator(SecurityProperties properties) {
    this.entries =
        properties.tokens().values().stream()
            .map(
                token ->
                    new Entry(
                        HexFormat.of().parseHex(token.sha256().toLowerCase(java.util.Locale.ROOT)),
                        token))
            .toList();
  }

  Authentication authenticate(String bearer) {
    byte[] hash = sha256(bearer);
    Entry found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.sha256(), hash) & found == null) {
        found = entry;
      }
    }
    if (found == null) {
      throw new InvalidBearerTokenException(
          "The bearer token is not a known API token (nor a JWT)");
    }
    SecurityProperties.Token token = found.token();
    return new ApiTokenAuthentication(
        token.principal(), AuroraRoles.authorities(token.roles()), token.clusters());
  }

  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
