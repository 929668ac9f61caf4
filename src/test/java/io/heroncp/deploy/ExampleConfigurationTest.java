package io.heroncp.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.aurora.AuroraClustersFile;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.packages.BuiltInHeronConfig;
import io.heroncp.security.SecurityProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;

/**
 * The examples under config/ are valid: they bind to the service's records and pass the cluster
 * checks.
 */
class ExampleConfigurationTest {

  private static final Path PRODUCTION = Path.of("config/production.yaml");
  private static final Map<String, String> ENVIRONMENT =
      Map.of(
          "AURORA_US_WEST_PASSWORD",
          "not-a-real-password",
          "HERONCP_PACKAGE_URL_SECRET",
          "0123456789abcdef0123456789abcdef");

  private static ServiceConfiguration production() throws IOException {
    return ServiceConfiguration.bind(Files.readString(PRODUCTION), ENVIRONMENT, Set.of());
  }

  @Test
  void productionYamlBindsAndPassesTheClusterChecks() throws IOException {
    ServiceConfiguration config = production();

    assertThat(config.zookeeper().connectString())
        .isEqualTo("zk1.example.com:2181,zk2.example.com:2181,zk3.example.com:2181");
    assertThat(config.zookeeper().embedded().enabled()).isFalse();
    assertThat(config.zookeeper().digest()).isEmpty();
    assertThat(config.zookeeper().tls().enabled()).isFalse();
    assertThat(config.zookeeper().tls().keyStore().location())
        .isEqualTo("/etc/heron-controlplane/zookeeper/client.p12");
    assertThat(config.zookeeper().tls().trustStore().type()).isEqualTo("PKCS12");
    assertThat(config.simulator().enabled()).isFalse();
    assertThat(config.packages().publicBaseUrl())
        .hasToString("https://heron-controlplane.example.com");
    assertThat(config.operations().historyLimit()).isEqualTo(100);
    assertThat(config.operations().idempotencyTtl()).isEqualTo(java.time.Duration.ofHours(24));
    assertThat(config.security().enabled()).isTrue();
    assertThat(config.security().readAccess())
        .isEqualTo(SecurityProperties.ReadAccess.AUTHENTICATED);
    assertThat(config.security().metricsOpen()).isTrue();
    assertThat(config.security().tokens()).containsOnlyKeys("deploy-bot");
    assertThat(config.security().tokens().get("deploy-bot").roles()).containsExactly("etl");
    assertThat(config.security().jwt().rolesClaim()).isEqualTo("groups");
    assertThat(config.security().jwt().rolePrefix()).isEqualTo("aurora-");
    assertThat(config.security().packageUrlSecret()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(config.keys()).contains("spring.security.oauth2.resourceserver.jwt.issuer-uri");
    assertThat(config.registry().all()).containsOnlyKeys("us-west", "us-east");
    ClusterProperties west = config.registry().require("us-west");
    assertThat(west.scheduler().password()).isEqualTo("not-a-real-password");
    assertThat(west.heronConfig())
        .containsEntry("heron.directory.sandbox.java.home", "/usr/lib/jvm/java-11-openjdk-amd64");
    assertThat(west.heronConfig())
        .containsEntry(
            "heron.scheduler.job.link.template",
            "https://aurora-us-west.example.com/scheduler/${ROLE}/${ENVIRON}/${TOPOLOGY}");
    assertThat(config.registry().environmentAllowed("us-west", "staging2")).isTrue();
    assertThat(config.registry().require("us-east").scheduler().zookeeperPath())
        .isEqualTo("/aurora/scheduler");
  }

  @Test
  void springBootUnescapesHeronPlaceholdersAsThisTestDoes() {
    // Spring Boot's own resolver (lenient) and this test's (strict) agree on the escape.
    assertThat(
            new PropertySourcesPlaceholdersResolver(List.of())
                .resolvePlaceholders("a/\\${ROLE}/${UNSET}"))
        .isEqualTo("a/${ROLE}/${UNSET}");
  }

  @Test
  void productionYamlNeedsTheAuroraPasswordFromTheEnvironment() {
    assertThatThrownBy(
            () ->
                ServiceConfiguration.bind(
                    Files.readString(PRODUCTION),
                    Map.of("HERONCP_PACKAGE_URL_SECRET", "0123456789abcdef0123456789abcdef"),
                    Set.of()))
        .hasStackTraceContaining("AURORA_US_WEST_PASSWORD");
  }

  @Test
  void productionYamlNeedsThePackageUrlSecretFromTheEnvironment() {
    assertThatThrownBy(
            () ->
                ServiceConfiguration.bind(
                    Files.readString(PRODUCTION), Map.of("AURORA_US_WEST_PASSWORD", "x"), Set.of()))
        .hasStackTraceContaining("HERONCP_PACKAGE_URL_SECRET");
  }

  @Test
  void securityOnWithAShortPackageUrlSecretFailsNamingTheSetting() {
    assertThatThrownBy(
            () ->
                ServiceConfiguration.bind(
                    Files.readString(PRODUCTION),
                    Map.of(
                        "AURORA_US_WEST_PASSWORD", "x", "HERONCP_PACKAGE_URL_SECRET", "too-short"),
                    Set.of()))
        .hasStackTraceContaining(
            "heroncp.security.package-url-secret must be set (at least 32 characters)");
  }

  @Test
  void productionYamlIsCompleteEnoughToReplaceTheBuiltInDefaults() throws IOException {
    List<String> keys = production().keys();
    List<String> builtIn =
        ServiceConfiguration.keys(Files.readString(Path.of("src/main/resources/application.yaml")));

    assertThat(keys)
        .containsAll(builtIn.stream().filter(key -> !key.startsWith("heroncp.")).toList());
  }

  @Test
  void theBindingRejectsAMisspelledSetting() throws IOException {
    String misspelled =
        Files.readString(PRODUCTION).replace("operation-timeout: 10s", "operation-timout: 10s");

    assertThatThrownBy(() -> ServiceConfiguration.bind(misspelled, ENVIRONMENT, Set.of()))
        .hasStackTraceContaining("operation-timout");
  }

  @Test
  void theBindingValidatesTheRecordsConstraints() throws IOException {
    String withoutCorePackage =
        Files.readString(PRODUCTION)
            .replace(
                "      core-package-uri: https://artifacts.example.com/heron/0.20.3/heron-core.tar.gz\n      heron-config-directory: /etc/heron-controlplane/heron/aurora\n      scheduler:\n        zookeeper:",
                "      heron-config-directory: /etc/heron-controlplane/heron/aurora\n      scheduler:\n        zookeeper:");
    assertThat(withoutCorePackage).isNotEqualTo(Files.readString(PRODUCTION));

    assertThatThrownBy(() -> ServiceConfiguration.bind(withoutCorePackage, ENVIRONMENT, Set.of()))
        .hasStackTraceContaining("core-package-uri");
  }

  @Test
  void clustersJsonGivesEveryClusterADiscoveryAndCoversTheProductionClusters() throws IOException {
    Map<String, AuroraClustersFile.Entry> entries =
        AuroraClustersFile.read(Path.of("config/clusters.json"));

    assertThat(entries).containsOnlyKeys("us-east", "us-west");
    entries.forEach((name, entry) -> assertThat(entry.discovery()).as(name).isNotNull());
    assertThat(entries.get("us-east").discovery().zookeeper())
        .isEqualTo("aurora-zk1.example.com:2181,aurora-zk2.example.com:2181");
    assertThat(entries.get("us-west").discovery().url())
        .hasToString("https://aurora-us-west.example.com");
    // With clusters.json supplying discovery, a cluster may leave scheduler.url/zookeeper out.
    String withoutDiscovery =
        Files.readString(PRODUCTION)
            .replace(
                "        zookeeper: aurora-zk1.example.com:2181,aurora-zk2.example.com:2181\n", "");
    assertThat(
            ServiceConfiguration.bind(withoutDiscovery, ENVIRONMENT, entries.keySet())
                .registry()
                .all())
        .containsKey("us-east");
    assertThatThrownBy(() -> ServiceConfiguration.bind(withoutDiscovery, ENVIRONMENT, Set.of()))
        .hasMessageContaining("heroncp.clusters.us-east.scheduler");
  }

  @Test
  void heronConfigDirectoryExampleHasEveryBuiltInFileAndKey() throws IOException {
    Path directory = Path.of("config/heron/aurora");
    for (String file : BuiltInHeronConfig.FILES) {
      Path example = directory.resolve(file);
      assertThat(example).as(file).isRegularFile();
      List<String> exampleKeys = ServiceConfiguration.keys(Files.readString(example));
      List<String> builtInKeys =
          ServiceConfiguration.keys(
              new String(BuiltInHeronConfig.read(file), StandardCharsets.UTF_8));
      assertThat(exampleKeys).as(file).containsAll(builtInKeys);
    }
  }
}
