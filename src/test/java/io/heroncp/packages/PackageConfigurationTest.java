package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.topology.TopologyPackageRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

/** The wiring alone, in a bare application context (no web server, no auto-configuration). */
class PackageConfigurationTest {

  @TempDir Path temp;

  @Test
  void createsTheStoreDirectoryAndAddressesPackagesUnderThePublicBaseUrl() {
    Path directory = temp.resolve("data/packages");
    new ApplicationContextRunner()
        .withUserConfiguration(PackageConfiguration.class)
        .withBean(PackageUrlSigner.class, PackageUrlSigner::unsigned)
        .withBean(
            PackageStoreProperties.class,
            () ->
                new PackageStoreProperties(
                    directory, DataSize.ofMegabytes(1), URI.create("https://heroncp.example.com")))
        .run(
            context -> {
              assertThat(context).hasBean("packageStore").hasBean("topologyPackageBuilder");
              assertThat(Files.isDirectory(directory)).isTrue();
              assertThat(build(context.getBean(TopologyPackageBuilder.class)).uri().getHost())
                  .isEqualTo("heroncp.example.com");
            });
  }

  @Test
  void withoutPublicBaseUrlPackagesAreAddressedOnTheLocalServerPort() {
    new ApplicationContextRunner()
        .withUserConfiguration(PackageConfiguration.class)
        .withBean(PackageUrlSigner.class, PackageUrlSigner::unsigned)
        .withBean(
            PackageStoreProperties.class,
            () -> new PackageStoreProperties(temp.resolve("p"), DataSize.ofMegabytes(1), null))
        .withPropertyValues("server.port=0", "local.server.port=43210")
        .run(
            context ->
                assertThat(build(context.getBean(TopologyPackageBuilder.class)).uri().toString())
                    .startsWith("http://127.0.0.1:43210/api/v1/packages/"));
  }

  private TopologyPackage build(TopologyPackageBuilder builder) throws Exception {
    Path binary = Files.write(temp.resolve("t.jar"), new byte[] {1});
    return builder.build(
        new TopologyPackageRequest(
            "T", new byte[] {2}, binary, "t.jar", Map.of(), null, "zk:2181", "/heron"));
  }
}
