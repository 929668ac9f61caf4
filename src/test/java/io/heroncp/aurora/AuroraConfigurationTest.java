package io.heroncp.aurora;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** What the startup log may say about a cluster's core package URI. */
class AuroraConfigurationTest {

  @Test
  void coreUrisAreLoggedWithoutUserInfoOrQuery() {
    assertThat(
            AuroraConfiguration.withoutCredentials(
                URI.create(
                    "https://deploy:s3cret@artifacts.example:8443/heron/heron-core.tar.gz?X-Amz-Signature=abc")))
        .isEqualTo("https://artifacts.example:8443/heron/heron-core.tar.gz?…");
    assertThat(
            AuroraConfiguration.withoutCredentials(
                URI.create("http://127.0.0.1:8081/packages/heron-core.tar.gz")))
        .isEqualTo("http://127.0.0.1:8081/packages/heron-core.tar.gz");
    assertThat(
            AuroraConfiguration.withoutCredentials(
                URI.create("file:///opt/heron/heron-core.tar.gz")))
        .isEqualTo("file:/opt/heron/heron-core.tar.gz");
    assertThat(AuroraConfiguration.withoutCredentials(null)).isEqualTo("none");
  }
}
