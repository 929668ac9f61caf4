package io.heroncp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Startup checks of the cluster settings, with messages that name the setting to fix. */
class ClusterRegistryTest {

  @TempDir Path dir;

  private static ClusterProperties cluster(Path heronConfigDirectory) {
    return new ClusterProperties(
        "devel",
        "^(devel)$",
        "/heron",
        null,
        URI.create("https://a.example/heron-core.tar.gz"),
        heronConfigDirectory,
        Map.of(),
        new ClusterProperties.Scheduler(
            URI.create("https://aurora.example"),
            null,
            "/aurora/scheduler",
            null,
            null,
            ClusterProperties.Scheduler.Protocol.BINARY,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1)));
  }

  @Test
  void aHeronConfigDirectoryThatIsMissingStopsTheStartNamingTheSetting() {
    Path missing = dir.resolve("not-mounted");
    ClusterRegistry registry =
        new ClusterRegistry(
            Map.of("east", cluster(dir), "west", cluster(missing), "north", cluster(null)),
            Set.of());

    assertThatThrownBy(registry::requireConfigDirectories)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Invalid cluster configuration:\n  - heroncp.clusters.west.heron-config-directory: "
                + missing
                + " is not a readable directory on this host; mount Heron's cluster config there, or leave the setting out"
                + " to use the built-in defaults");
  }

  @Test
  void existingOrUnsetHeronConfigDirectoriesPass() {
    ClusterRegistry registry =
        new ClusterRegistry(Map.of("east", cluster(dir), "north", cluster(null)), Set.of());

    assertThat(registry.requireConfigDirectories()).isSameAs(registry);
  }
}
