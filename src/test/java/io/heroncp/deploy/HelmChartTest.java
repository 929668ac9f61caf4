package io.heroncp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.packages.PackageStoreProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Helm chart without a helm binary: its files parse, every {@code .Values} path a template uses
 * exists in values.yaml (and every top-level value is used), template actions are balanced, and the
 * application config the ConfigMap renders binds to the service's configuration records and is
 * complete enough to replace the built-in defaults.
 */
class HelmChartTest {

  private static final Path CHART = Path.of("helm/heron-controlplane");
  private static final Pattern VALUES_PATH =
      Pattern.compile("\\.Values((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)");
  private static final Pattern INDEXED_PATH =
      Pattern.compile("index\\s+\\.Values((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)\\s+\"([^\"]+)\"");
  private static final Pattern ACTION =
      Pattern.compile("\\{\\{-?\\s*(if|range|with|define|end)\\b");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(Path file) throws IOException {
    return (Map<String, Object>) new Yaml().load(Files.readString(file));
  }

  private static Map<String, String> templates() throws IOException {
    Map<String, String> templates = new TreeMap<>();
    try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
      for (Path file : files.toList()) {
        templates.put(file.getFileName().toString(), Files.readString(file));
      }
    }
    return templates;
  }

  @Test
  void chartYamlNamesTheChartAndItsVersions() throws IOException {
    Map<String, Object> chart = yaml(CHART.resolve("Chart.yaml"));

    assertThat(chart)
        .containsEntry("apiVersion", "v2")
        .containsEntry("name", "heron-controlplane")
        .containsEntry("type", "application")
        .containsKeys("version", "appVersion", "description");
    assertThat(chart.get("version").toString()).matches("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void everyValuesPathInTheTemplatesExistsAndEveryTopLevelValueIsUsed() throws IOException {
    Map<String, Object> values = yaml(CHART.resolve("values.yaml"));
    Set<String> missing = new TreeSet<>();
    Set<String> usedTopLevel = new TreeSet<>();
    templates()
        .forEach(
            (name, text) -> {
              Matcher paths = VALUES_PATH.matcher(text);
              while (paths.find()) {
                List<String> path = List.of(paths.group(1).substring(1).split("\\."));
                usedTopLevel.add(path.get(0));
                if (!exists(values, path)) {
                  missing.add(name + ": .Values" + paths.group(1));
                }
              }
              Matcher indexed = INDEXED_PATH.matcher(text);
              while (indexed.find()) {
                List<String> path =
                    new ArrayList<>(List.of(indexed.group(1).substring(1).split("\\.")));
                path.add(indexed.group(2));
                if (!exists(values, path)) {
                  missing.add(
                      name
                          + ": index .Values"
                          + indexed.group(1)
                          + " \""
                          + indexed.group(2)
                          + "\"");
                }
              }
            });

    assertThat(missing).as("paths used in templates but absent from values.yaml").isEmpty();
    assertThat(usedTopLevel).containsAll(values.keySet());
  }

  @Test
  void templateActionsAreBalanced() throws IOException {
    templates()
        .forEach(
            (name, text) -> {
              assertThat(count(text, "{{")).as(name + ": {{ vs }}").isEqualTo(count(text, "}}"));
              int depth = 0;
              Matcher action = ACTION.matcher(text);
              while (action.find()) {
                depth += action.group(1).equals("end") ? -1 : 1;
                assertThat(depth).as(name + ": an end without a block").isNotNegative();
              }
              assertThat(depth).as(name + ": blocks left open").isZero();
            });
  }

  @Test
  void deploymentProbesHealthGroupsAndRunsNonRootOnAReadOnlyRootFileSystem() throws IOException {
    String deployment = templates().get("deployment.yaml");
    Map<String, Object> values = yaml(CHART.resolve("values.yaml"));

    assertThat(deployment)
        .contains(
            "path: /actuator/health/liveness",
            "path: /actuator/health/readiness",
            "podAntiAffinity:",
            "mountPath: /tmp",
            "SPRING_CONFIG_LOCATION",
            "secretRef:");
    assertThat(values.get("replicaCount")).isEqualTo(2);
    assertThat(values.get("podSecurityContext").toString())
        .contains("runAsNonRoot=true", "runAsUser=10001");
    assertThat(values.get("securityContext").toString())
        .contains("readOnlyRootFilesystem=true", "allowPrivilegeEscalation=false");
    assertThat(deployment)
        .contains(
            "scheme: {{ if .Values.tls.enabled }}HTTPS{{ else }}HTTP{{ end }}",
            "SERVER_SSL_BUNDLE",
            "SPRING_SSL_BUNDLE_PEM_SERVER_KEYSTORE_CERTIFICATE",
            "secretName: {{ .Values.tls.secretName }}",
            "secretName: {{ .Values.zookeeperTls.secretName }}",
            "HERONCP_ZOOKEEPER_TLS_KEYSTORE_PASSWORD");
    assertThat(templates())
        .containsKeys(
            "service.yaml",
            "configmap.yaml",
            "secret.yaml",
            "pdb.yaml",
            "servicemonitor.yaml",
            "ingress.yaml",
            "pvc.yaml",
            "NOTES.txt",
            "_helpers.tpl");
  }

  /** The chart's config merged with the example cluster's values file (the chart has none). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> configWithExampleCluster() throws IOException {
    return (Map<String, Object>)
        merge(yaml(CHART.resolve("values.yaml")), yaml(CHART.resolve("examples/us-west.yaml")))
            .get("config");
  }

  @Test
  @SuppressWarnings("unchecked")
  void configMapApplicationConfigBindsToTheServiceConfiguration() throws IOException {
    Map<String, Object> config = configWithExampleCluster();
    String rendered = toYaml(config);

    // The chart's Secret always holds the package URL secret (generated when not given).
    Map<String, String> secrets =
        Map.of("HERONCP_PACKAGE_URL_SECRET", "0123456789abcdef0123456789abcdef");
    ServiceConfiguration bound = ServiceConfiguration.bind(rendered, secrets, Set.of());

    assertThat(bound.zookeeper().embedded().enabled()).isFalse();
    assertThat(bound.simulator().enabled()).isFalse();
    assertThat(bound.zookeeper().digest()).isEmpty();
    assertThat(bound.packages().publicBaseUrl())
        .hasToString("https://heron-controlplane.example.com");
    assertThat(bound.packages().directory()).hasToString("/var/lib/heron-controlplane/packages");
    assertThat(bound.registry().all()).containsOnlyKeys("us-west");
    // Alone, the chart's values name no cluster: the service refuses to start, saying so.
    Map<String, Object> chartOnly =
        (Map<String, Object>) yaml(CHART.resolve("values.yaml")).get("config");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ServiceConfiguration.bind(toYaml(chartOnly), secrets, Set.of()))
        .hasMessageContaining("no cluster is configured");
    // A secret from the chart's Secret reaches the record through its placeholder.
    assertThat(
            ServiceConfiguration.bind(
                    rendered,
                    Map.of(
                        "HERONCP_ZOOKEEPER_DIGEST",
                        "heroncp:pw",
                        "HERONCP_PACKAGE_URL_SECRET",
                        "0123456789abcdef0123456789abcdef"),
                    Set.of())
                .zookeeper()
                .digest())
        .isEqualTo("heroncp:pw");
    // ZooKeeper TLS: off by default, the stores where the chart mounts zookeeperTls.secretName,
    // passwords from it.
    assertThat(bound.zookeeper().tls().enabled()).isFalse();
    assertThat(bound.zookeeper().tls().trustStore().location())
        .isEqualTo("/etc/heron-controlplane-zookeeper-tls/truststore.p12");
    assertThat(
            ServiceConfiguration.bind(
                    rendered,
                    Map.of(
                        "HERONCP_ZOOKEEPER_TLS_KEYSTORE_PASSWORD",
                        "ks-pw",
                        "HERONCP_PACKAGE_URL_SECRET",
                        "0123456789abcdef0123456789abcdef"),
                    Set.of())
                .zookeeper()
                .tls()
                .keyStore()
                .password())
        .isEqualTo("ks-pw");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aUsersValuesFileBringsTheOnlyClustersAndTheExampleFileIsOne() throws IOException {
    Map<String, Object> values = yaml(CHART.resolve("values.yaml"));
    Map<String, Object> example = yaml(CHART.resolve("examples/us-west.yaml"));
    Map<String, Object> users =
        new Yaml()
            .load(
                "config:\n  heroncp:\n    clusters:\n      eu-central:\n"
                    + "        core-package-uri: https://artifacts.example.org/heron-core.tar.gz\n"
                    + "        scheduler:\n          url: https://aurora.example.org\n");
    Map<String, String> secrets =
        Map.of("HERONCP_PACKAGE_URL_SECRET", "0123456789abcdef0123456789abcdef");

    ServiceConfiguration withUsers =
        ServiceConfiguration.bind(
            toYaml((Map<String, Object>) merge(values, users).get("config")), secrets, Set.of());
    ServiceConfiguration withExample =
        ServiceConfiguration.bind(
            toYaml((Map<String, Object>) merge(values, example).get("config")), secrets, Set.of());

    assertThat(withUsers.registry().all()).containsOnlyKeys("eu-central");
    assertThat(withExample.registry().all()).containsOnlyKeys("us-west");
    assertThat(withExample.registry().all().get("us-west").tier())
        .as("Heron's stock template sends no tier")
        .isNull();
  }

  @Test
  void prometheusScrapesTheContainerPort() throws IOException {
    String deployment = templates().get("deployment.yaml");

    assertThat(deployment)
        .contains("prometheus.io/port: {{ .Values.config.server.port | quote }}")
        .contains("containerPort: {{ .Values.config.server.port }}")
        .doesNotContain("prometheus.io/port: {{ .Values.service.port");
  }

  /**
   * Helm's merge of a values file over the chart's values: maps merge deeply, the rest replaces.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> merged = new TreeMap<>(base);
    over.forEach(
        (key, value) -> {
          Object existing = merged.get(key);
          if (existing instanceof Map<?, ?> a && value instanceof Map<?, ?> b) {
            merged.put(key, merge((Map<String, Object>) a, (Map<String, Object>) b));
          } else {
            merged.put(key, value);
          }
        });
    return merged;
  }

  @Test
  @SuppressWarnings("unchecked")
  void s3PackageStoreNeedsNoClaimAllowsAnyReplicaCountAndTakesCredentialsFromASecretOrRole()
      throws IOException {
    Map<String, Object> config = configWithExampleCluster();
    Map<String, Object> packages =
        (Map<String, Object>) ((Map<String, Object>) config.get("heroncp")).get("packages");
    Map<String, String> templates = templates();

    // The default stays the volume; the claim and the volume follow the store.
    assertThat(packages).containsEntry("store", "filesystem");
    assertThat(templates.get("pvc.yaml"))
        .contains("(eq .Values.config.heroncp.packages.store \"filesystem\")");
    assertThat(templates.get("deployment.yaml"))
        .contains(
            "{{- if and .Values.persistence.enabled (eq .Values.config.heroncp.packages.store"
                + " \"filesystem\") }}",
            "serviceAccountName: {{ include \"heron-controlplane.serviceAccountName\" . }}",
            "name: {{ .Values.packageStoreCredentials.existingSecret }}");
    // Replica warnings are about the file-system store only.
    assertThat(templates.get("NOTES.txt"))
        .contains("(eq .Values.config.heroncp.packages.store \"filesystem\") (gt (int");
    assertThat(templates.get("serviceaccount.yaml")).contains(".Values.serviceAccount.annotations");
    // No credential appears in the config: only the bucket's coordinates.
    assertThat(toYaml(packages)).doesNotContainPattern("(?i)(secret|access-key|password)");

    // Switched to s3, the rendered config binds with the bucket settings.
    packages.put("store", "s3");
    ((Map<String, Object>) packages.get("s3")).put("bucket", "heron-packages");
    ((Map<String, Object>) packages.get("s3")).put("endpoint", "https://minio.example.com");
    ServiceConfiguration bound =
        ServiceConfiguration.bind(
            toYaml(config),
            Map.of("HERONCP_PACKAGE_URL_SECRET", "0123456789abcdef0123456789abcdef"),
            Set.of());
    assertThat(bound.packages().store()).isEqualTo(PackageStoreProperties.Store.S3);
    assertThat(bound.packages().s3().bucket()).isEqualTo("heron-packages");
    assertThat(bound.packages().s3().endpoint()).hasToString("https://minio.example.com");
    assertThat(bound.packages().s3().presignedUrls()).isFalse();
  }

  @Test
  @SuppressWarnings("unchecked")
  void chartTurnsSecurityOnAndKeepsThePackageUrlSecretOutOfTheConfigMap() throws IOException {
    Map<String, Object> config = configWithExampleCluster();
    Map<String, Object> security =
        (Map<String, Object>) ((Map<String, Object>) config.get("heroncp")).get("security");
    String secret = templates().get("secret.yaml");

    assertThat(security)
        .containsEntry("enabled", true)
        .containsEntry("read-access", "authenticated")
        .containsEntry("metrics-open", true)
        .containsKeys("tokens", "jwt", "allowed-origins")
        .containsEntry("package-url-secret", "${HERONCP_PACKAGE_URL_SECRET}");
    assertThat(toYaml(config)).doesNotContainPattern("(?i)package-url-secret: [^$]");
    assertThat(secret)
        .contains(
            "HERONCP_PACKAGE_URL_SECRET:",
            "randAlphaNum",
            "lookup \"v1\" \"Secret\"",
            "HERONCP_PACKAGE_URL_PREVIOUS_SECRETS:");
    // Bound as the service binds it: the secrets arrive from the Secret's variables, nothing else
    // is needed.
    ServiceConfiguration bound =
        ServiceConfiguration.bind(
            toYaml(config),
            Map.of(
                "HERONCP_PACKAGE_URL_SECRET", "0123456789abcdef0123456789abcdef",
                "HERONCP_PACKAGE_URL_PREVIOUS_SECRETS", "fedcba9876543210fedcba9876543210"),
            Set.of());
    assertThat(bound.security().enabled()).isTrue();
    assertThat(bound.security().packageUrlSecret()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(bound.security().packageUrlPreviousSecrets())
        .containsExactly("fedcba9876543210fedcba9876543210");
    assertThat(bound.security().tokens()).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void configMapApplicationConfigHasEveryNonClusterSettingOfTheBuiltInDefaults()
      throws IOException {
    // The ConfigMap replaces application.yaml (SPRING_CONFIG_LOCATION), so it must carry the
    // service-wide
    // settings (multipart streaming, health groups, ...); only the local default's heroncp settings
    // are left out.
    Map<String, Object> config =
        (Map<String, Object>) yaml(CHART.resolve("values.yaml")).get("config");
    List<String> chartKeys = ServiceConfiguration.keys(toYaml(config));
    List<String> builtIn =
        ServiceConfiguration.keys(Files.readString(Path.of("src/main/resources/application.yaml")));

    assertThat(chartKeys)
        .containsAll(builtIn.stream().filter(key -> !key.startsWith("heroncp.")).toList());
  }

  @Test
  void dashboardIsGrafanaJsonUsingTheServiceMetrics() throws IOException {
    JsonNode dashboard =
        JsonMapper.builder()
            .build()
            .readTree(Files.readString(CHART.resolve("dashboards/heron-controlplane.json")));

    assertThat(dashboard.get("uid").asString()).isEqualTo("heron-controlplane");
    StringBuilder expressions = new StringBuilder();
    dashboard
        .get("panels")
        .forEach(
            panel ->
                panel
                    .get("targets")
                    .forEach(
                        target -> expressions.append(target.get("expr").asString()).append('\n')));
    assertThat(expressions.toString())
        .contains(
            "heroncp_topologies",
            "heroncp_operations_seconds_bucket",
            "heroncp_aurora_calls_seconds_bucket",
            "heroncp_aurora_calls_seconds_count",
            "heroncp_zookeeper_operations_seconds_bucket",
            "heroncp_packages_size_bytes",
            "heroncp_packages_free_bytes",
            "heroncp_packages_stored",
            "heroncp_reconciler_runs_total",
            "heroncp_reconciler_repairs_total");
  }

  static String toYaml(Map<String, Object> tree) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(tree);
  }

  @SuppressWarnings("unchecked")
  private static boolean exists(Map<String, Object> values, List<String> path) {
    Object node = values;
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
        return false;
      }
      node = ((Map<String, Object>) map).get(key);
    }
    return true;
  }

  private static int count(String text, String token) {
    int count = 0;
    for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + token.length())) {
      count++;
    }
    return count;
  }
}
