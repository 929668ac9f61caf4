package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PackageUrlSignerTest {

  private static final String SHA = "ab".repeat(32);
  private static final String FILE = "topology.tar.gz";
  private static final String OLD = "0123456789abcdef0123456789abcdef-old";
  private static final String CURRENT = "0123456789abcdef0123456789abcdef-current";

  @Test
  void signatureIsTheLowercaseHexHmacSha256OfShaSlashFile() {
    // Computed independently: printf '%s' "$SHA/topology.tar.gz" | openssl dgst -sha256 -hmac
    // "$CURRENT"
    assertThat(new PackageUrlSigner(CURRENT, List.of(), true).sign(SHA, FILE))
        .isEqualTo("18f5260cf258ae25db4980553a1c02be3dd9d81d87d90a00ffe70fc91c3626e4");
  }

  @Test
  void aSignatureVerifiesForItsOwnDigestAndFileOnly() {
    PackageUrlSigner signer = new PackageUrlSigner(CURRENT, List.of(), true);
    String sig = signer.sign(SHA, FILE);

    assertThat(signer.verify(SHA, FILE, sig)).isTrue();
    assertThat(signer.verify("cd".repeat(32), FILE, sig)).as("another digest").isFalse();
    assertThat(signer.verify(SHA, "other.tar.gz", sig)).as("another file").isFalse();
    assertThat(signer.verify(SHA, FILE, null)).isFalse();
    assertThat(signer.verify(SHA, FILE, "")).isFalse();
    assertThat(signer.verify(SHA, FILE, "not-hex")).isFalse();
    assertThat(signer.verify(SHA, FILE, sig.substring(0, 62))).as("truncated").isFalse();
  }

  @Test
  void aForgedSignatureDoesNotVerify() {
    PackageUrlSigner signer = new PackageUrlSigner(CURRENT, List.of(), true);
    String sig = signer.sign(SHA, FILE);
    String flipped = (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1);

    assertThat(signer.verify(SHA, FILE, flipped)).isFalse();
    assertThat(signer.verify(SHA, FILE, "0".repeat(64))).isFalse();
    // Signed with a secret the service does not know.
    String foreign =
        new PackageUrlSigner("someone-elses-secret-of-32-characters", List.of(), true)
            .sign(SHA, FILE);
    assertThat(signer.verify(SHA, FILE, foreign)).isFalse();
  }

  @Test
  void afterRotationAPreviousSecretStillVerifiesAndNewSignaturesUseTheCurrentOne() {
    String signedBefore = new PackageUrlSigner(OLD, List.of(), true).sign(SHA, FILE);
    PackageUrlSigner rotated = new PackageUrlSigner(CURRENT, List.of(OLD), true);

    assertThat(rotated.verify(SHA, FILE, signedBefore)).isTrue();
    assertThat(rotated.sign(SHA, FILE)).isNotEqualTo(signedBefore);
    assertThat(rotated.verify(SHA, FILE, rotated.sign(SHA, FILE))).isTrue();
  }

  @Test
  void aChangedSecretInvalidatesOldSignaturesUnlessListedAsPrevious() {
    String signedBefore = new PackageUrlSigner(OLD, List.of(), true).sign(SHA, FILE);

    assertThat(new PackageUrlSigner(CURRENT, List.of(), true).verify(SHA, FILE, signedBefore))
        .isFalse();
  }

  @Test
  void withoutASecretNothingIsSignedOrVerified() {
    PackageUrlSigner unsigned = PackageUrlSigner.unsigned();

    assertThat(unsigned.signs()).isFalse();
    assertThat(unsigned.required()).isFalse();
    assertThat(unsigned.verify(SHA, FILE, "0".repeat(64))).isFalse();
    assertThatThrownBy(() -> unsigned.sign(SHA, FILE)).isInstanceOf(IllegalStateException.class);
    assertThat(new PackageUrlSigner("  ", null, false).signs()).isFalse();
  }

  @Test
  void badSettingsAreRefusedNamingTheSettingWithoutTheSecret() {
    assertThatThrownBy(() -> new PackageUrlSigner(null, List.of(), true))
        .hasMessageContaining("heroncp.security.package-url-secret");
    assertThatThrownBy(() -> new PackageUrlSigner("short-secret", List.of(), false))
        .hasMessageContaining("heroncp.security.package-url-secret")
        .hasMessageContaining("32")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> new PackageUrlSigner(CURRENT, List.of("old-short"), true))
        .hasMessageContaining("heroncp.security.package-url-previous-secrets[0]")
        .hasMessageNotContaining("old-short");
    assertThatThrownBy(() -> new PackageUrlSigner(null, List.of(OLD), false))
        .hasMessageContaining("heroncp.security.package-url-previous-secrets");
  }

  @Test
  void toStringShowsNoSecret() {
    String shown = new PackageUrlSigner(CURRENT, List.of(OLD), true).toString();

    assertThat(shown)
        .doesNotContain(CURRENT)
        .doesNotContain(OLD)
        .contains("signs=true", "acceptedSecrets=2");
  }
}
