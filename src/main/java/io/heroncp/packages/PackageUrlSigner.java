package io.heroncp.packages;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies package URLs: Aurora's agents fetch a topology's package without any user
 * token, so the URI handed to Aurora is a capability, {@code
 * <base>/api/v1/packages/<sha256>/<file>?sig=<hex>}, where {@code sig} is the lowercase hex
 * HMAC-SHA256 of the UTF-8 bytes of {@code "<sha256>/<file>"} keyed with the current secret.
 *
 * <p>A signature never expires (Aurora reschedules tasks months after the submit). Verification
 * accepts the current secret and every previous one, so a rotated secret keeps the records signed
 * before it working. Comparison is in constant time. Immutable and thread-safe; the secrets appear
 * in no message and not in {@link #toString()}.
 */
public final class PackageUrlSigner {

  /** The query parameter carrying the signature. */
  public static final String PARAMETER = "sig";

  /** The shortest secret accepted ({@code openssl rand -hex 32} gives 64 characters). */
  static final int MIN_SECRET_LENGTH = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec current;
  private final List<SecretKeySpec> accepted;
  private final boolean required;

  /**
   * @param secret the current secret ({@code heroncp.security.package-url-secret}); {@code null} or
   *     blank = URIs are not signed
   * @param previousSecrets older secrets still accepted for verification ({@code
   *     heroncp.security.package-url-previous-secrets}); may be {@code null}
   * @param required whether downloads must carry a valid signature ({@code
   *     heroncp.security.enabled})
   * @throws IllegalArgumentException if a secret is shorter than 32 characters, a previous secret
   *     is set without a current one, or signatures are required without a secret
   */
  public PackageUrlSigner(String secret, List<String> previousSecrets, boolean required) {
    List<String> previous = previousSecrets == null ? List.of() : previousSecrets;
    boolean signs = secret != null && !secret.isBlank();
    if (!signs && !previous.isEmpty()) {
      throw new IllegalArgumentException(
          "heroncp.security.package-url-previous-secrets is set but"
              + " heroncp.security.package-url-secret is not; set the current secret too");
    }
    if (!signs && required) {
      throw new IllegalArgumentException(
          "heroncp.security.enabled=true needs heroncp.security.package-url-secret"
              + " (Aurora's agents fetch packages through signed URLs); set it, e.g. from `openssl rand -hex 32`");
    }
    this.required = required;
    this.current = signs ? key(secret, "heroncp.security.package-url-secret") : null;
    List<SecretKeySpec> keys = new ArrayList<>();
    if (signs) {
      keys.add(current);
    }
    for (int i = 0; i < previous.size(); i++) {
      keys.add(key(previous.get(i), "heroncp.security.package-url-previous-secrets[" + i + "]"));
    }
    this.accepted = List.copyOf(keys);
  }

  /** No secret: URIs are not signed and downloads are not checked (the open local mode). */
  public static PackageUrlSigner unsigned() {
    return new PackageUrlSigner(null, List.of(), false);
  }

  private static SecretKeySpec key(String secret, String setting) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          setting
              + " must be at least "
              + MIN_SECRET_LENGTH
              + " characters; make one with `openssl rand -hex 32`");
    }
    return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** Whether a secret is configured, i.e. package URIs carry {@code sig}. */
  public boolean signs() {
    return current != null;
  }

  /** Whether downloads must carry a valid {@code sig}. */
  public boolean required() {
    return required;
  }

  /**
   * The lowercase hex signature of {@code "<sha256>/<file>"} with the current secret.
   *
   * @throws IllegalStateException if no secret is configured
   */
  public String sign(String sha256, String file) {
    if (current == null) {
      throw new IllegalStateException("no heroncp.security.package-url-secret is configured");
    }
    return HexFormat.of().formatHex(mac(current, sha256, file));
  }

  /**
   * Whether {@code sig} is the signature of {@code "<sha256>/<file>"} under the current or a
   * previous secret. False for a {@code null}, malformed or foreign signature, and when no secret
   * is configured.
   */
  public boolean verify(String sha256, String file, String sig) {
    if (sig == null || sha256 == null || file == null || accepted.isEmpty()) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(sig);
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean valid = false;
    for (SecretKeySpec key : accepted) {
      // Every key is tried, whatever matched, so the time taken does not tell which secret signed
      // it.
      valid |= MessageDigest.isEqual(mac(key, sha256, file), given);
    }
    return valid;
  }

  private static byte[] mac(SecretKeySpec key, String sha256, String file) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal((sha256 + "/" + file).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "PackageUrlSigner[signs="
        + signs()
        + ", acceptedSecrets="
        + accepted.size()
        + ", required="
        + required
        + "]";
  }
}
