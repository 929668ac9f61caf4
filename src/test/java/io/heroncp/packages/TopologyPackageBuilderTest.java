package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.TopologyPackageRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class TopologyPackageBuilderTest {

  private static final URI BASE = URI.create("http://heroncp.example.com:8080");
  private static final String ZK = "zk1:2181,zk2:2181";
  private static final String ROOT = "/heron/prod";

  @TempDir Path temp;
  private PackageStore store;
  private TopologyPackageBuilder builder;
  private Path binary;
  private final byte[] definition = FileSystemPackageStoreTest.randomBytes(5_000, 10);
  private final byte[] binaryBytes = FileSystemPackageStoreTest.randomBytes(120_000, 11);

  @BeforeEach
  void setUp() throws IOException {
    store = new FileSystemPackageStore(temp.resolve("store"));
    builder = new TopologyPackageBuilder(store, BASE);
    binary = Files.write(temp.resolve("upload.bin"), binaryBytes);
  }

  @Test
  void packageHoldsDefinitionBinaryAndBuiltInConfigSorted() throws Exception {
    TopologyPackage built = builder.build(request(Map.of("topology.debug", "true"), null));

    Map<String, byte[]> entries = readTarGz(built.stored().path());
    List<String> expected =
        new ArrayList<>(List.of("WordCount.defn", "heron-conf/", "word-count.jar"));
    BuiltInHeronConfig.FILES.forEach(f -> expected.add("heron-conf/" + f));
    expected.add("heron-conf/override.yaml");
    assertThat(entries.keySet()).containsExactlyElementsOf(expected.stream().sorted().toList());
    assertThat(entries.get("WordCount.defn")).isEqualTo(definition);
    assertThat(entries.get("word-count.jar")).isEqualTo(binaryBytes);
    assertThat(entries.get("heron-conf/heron_internals.yaml"))
        .isEqualTo(BuiltInHeronConfig.read("heron_internals.yaml"));
  }

  @Test
  void packageIsStoredUnderItsDigestAndAddressedUnderThePublicBaseUrl() throws Exception {
    TopologyPackage built = builder.build(request(Map.of(), null));

    assertThat(built.stored().fileName()).isEqualTo("topology.tar.gz");
    assertThat(built.stored().sha256())
        .isEqualTo(FileSystemPackageStoreTest.sha256(Files.readAllBytes(built.stored().path())));
    assertThat(built.uri())
        .isEqualTo(
            URI.create(
                "http://heroncp.example.com:8080/api/v1/packages/"
                    + built.stored().sha256()
                    + "/topology.tar.gz"));
    assertThat(store.find(built.stored().sha256(), "topology.tar.gz")).contains(built.stored());
  }

  @Test
  void overrideYamlHoldsEveryOverrideAsAStringWhateverItsText() throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("heron.config.verbose", "true");
    overrides.put("topology.container.ram", "1234");
    overrides.put(
        "tricky", "a: \"quoted\" # not a comment\nsecond line\\ \t tab – ünïcode \u2028 end");
    overrides.put("empty", "");
    overrides.put("key with spaces: and colon", "null");

    TopologyPackage built = builder.build(request(overrides, null));

    Map<String, Object> overrideYaml =
        yaml(readTarGz(built.stored().path()).get("heron-conf/override.yaml"));
    assertThat(overrideYaml).containsExactlyInAnyOrderEntriesOf(overrides);
  }

  @Test
  void noOverridesGiveAnEmptyMappingNotAnEmptyDocument() throws Exception {
    TopologyPackage built = builder.build(request(Map.of(), null));

    Object loaded =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(
                new String(
                    readTarGz(built.stored().path()).get("heron-conf/override.yaml"),
                    StandardCharsets.UTF_8));
    assertThat(loaded).isEqualTo(Map.of());
  }

  @Test
  void stateManagerConfigPointsAtTheClusterZooKeeperAndTakesOverridesOfItsOwnKeys()
      throws Exception {
    Map<String, String> overrides =
        Map.of(
            "heron.statemgr.zookeeper.session.timeout.ms", "5000",
            "topology.debug", "true");

    TopologyPackage built = builder.build(request(overrides, null));

    Map<String, Object> stateManager =
        yaml(readTarGz(built.stored().path()).get("heron-conf/statemgr.yaml"));
    assertThat(stateManager)
        .contains(
            entry(
                "heron.class.state.manager",
                "org.apache.heron.statemgr.zookeeper.curator.CuratorStateManager"))
        .contains(entry("heron.statemgr.connection.string", ZK))
        .contains(entry("heron.statemgr.root.path", ROOT))
        .contains(entry("heron.statemgr.zookeeper.session.timeout.ms", "5000"))
        .contains(entry("heron.statemgr.zookeeper.connection.timeout.ms", 30000))
        .doesNotContainKey("topology.debug");
  }

  @Test
  void overrideThatMovesTheStateElsewhereIsRejectedButRepeatingItIsFine() {
    assertThatThrownBy(
            () -> builder.build(request(Map.of("heron.statemgr.root.path", "/elsewhere"), null)))
        .isInstanceOfSatisfying(
            InvalidFieldException.class,
            e -> assertThat(e.field()).isEqualTo("heron.statemgr.root.path"));

    TopologyPackage built =
        builder.build(request(Map.of("heron.statemgr.connection.string", ZK), null));
    assertThat(built.stored().size()).isPositive();
  }

  @Test
  void clusterConfigDirectoryIsPackedWithSubdirectoriesAndPatchedStateManagerConfig()
      throws Exception {
    Path conf = Files.createDirectory(temp.resolve("conf"));
    Files.writeString(
        conf.resolve("statemgr.yaml"),
        """
        # our ZooKeeper
        heron.class.state.manager: org.apache.heron.statemgr.zookeeper.curator.CuratorStateManager
        heron.statemgr.connection.string: "old:2181"
        heron.statemgr.root.path:
          - not
          - a scalar
        heron.statemgr.zookeeper.retry.count: 10
        """);
    Files.writeString(conf.resolve("override.yaml"), "stale: \"yes\"\n");
    Files.writeString(conf.resolve("heron.aurora"), "template");
    Files.createDirectory(conf.resolve("extra"));
    Files.writeString(conf.resolve("extra/sinks.yaml"), "x: 1\n");

    TopologyPackage built =
        builder.build(request(Map.of("heron.statemgr.zookeeper.retry.count", "3"), conf));

    Map<String, byte[]> entries = readTarGz(built.stored().path());
    assertThat(entries.keySet())
        .containsExactly(
            "WordCount.defn",
            "heron-conf/",
            "heron-conf/extra/",
            "heron-conf/extra/sinks.yaml",
            "heron-conf/heron.aurora",
            "heron-conf/override.yaml",
            "heron-conf/statemgr.yaml",
            "word-count.jar");
    String stateManager =
        new String(entries.get("heron-conf/statemgr.yaml"), StandardCharsets.UTF_8);
    assertThat(stateManager).startsWith("# our ZooKeeper\n");
    assertThat(yaml(entries.get("heron-conf/statemgr.yaml")))
        .containsExactly(
            entry(
                "heron.class.state.manager",
                "org.apache.heron.statemgr.zookeeper.curator.CuratorStateManager"),
            entry("heron.statemgr.connection.string", ZK),
            entry("heron.statemgr.root.path", ROOT),
            entry("heron.statemgr.zookeeper.retry.count", "3"));
    assertThat(yaml(entries.get("heron-conf/override.yaml")))
        .containsExactly(entry("heron.statemgr.zookeeper.retry.count", "3"));
  }

  @Test
  void clusterConfigDirectoryWithoutStateManagerConfigGetsTheBuiltInOne() throws Exception {
    Path conf = Files.createDirectory(temp.resolve("conf"));
    Files.writeString(conf.resolve("scheduler.yaml"), "heron.scheduler.is.service: False\n");

    TopologyPackage built = builder.build(request(Map.of(), conf));

    Map<String, Object> stateManager =
        yaml(readTarGz(built.stored().path()).get("heron-conf/statemgr.yaml"));
    assertThat(stateManager)
        .contains(
            entry(
                "heron.class.state.manager",
                "org.apache.heron.statemgr.zookeeper.curator.CuratorStateManager"))
        .contains(entry("heron.statemgr.connection.string", ZK));
  }

  @Test
  void stateManagerConfigWithoutTheKeysGetsThemAppended() {
    TopologyPackageRequest request = request(Map.of(), null);

    String patched = TopologyPackageBuilder.stateManagerConfig("a.b: 1", request);

    assertThat(yaml(patched.getBytes(StandardCharsets.UTF_8)))
        .containsExactly(
            entry("a.b", 1),
            entry("heron.statemgr.connection.string", ZK),
            entry("heron.statemgr.root.path", ROOT));
  }

  @Test
  void identicalSubmitsGiveTheSameDigestAndADifferentOverrideAnother() throws Exception {
    Map<String, String> overrides = Map.of("b", "2", "a", "1");
    TopologyPackage first = builder.build(request(overrides, null));

    // Same bytes in another file with another mtime, overrides in another order.
    Path copy = Files.write(temp.resolve("copy.bin"), binaryBytes);
    Files.setLastModifiedTime(copy, FileTime.from(Instant.parse("2011-11-11T11:11:11Z")));
    TopologyPackage second =
        builder.build(
            new TopologyPackageRequest(
                "WordCount",
                definition.clone(),
                copy,
                "word-count.jar",
                new TreeMap<>(Map.of("a", "1", "b", "2")),
                null,
                ZK,
                ROOT));
    TopologyPackage changed = builder.build(request(Map.of("a", "1", "b", "3"), null));

    assertThat(second.stored().sha256()).isEqualTo(first.stored().sha256());
    assertThat(second.uri()).isEqualTo(first.uri());
    assertThat(changed.stored().sha256()).isNotEqualTo(first.stored().sha256());
  }

  @Test
  void entriesCarryFixedTimeOwnerAndModes() throws Exception {
    TopologyPackage built = builder.build(request(Map.of(), null));

    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new GzipCompressorInputStream(Files.newInputStream(built.stored().path())))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        assertThat(entry.getLastModifiedTime().toInstant())
            .isEqualTo(Instant.parse("1980-01-01T00:00:00Z"));
        assertThat(entry.getLongUserId()).isZero();
        assertThat(entry.getUserName()).isEmpty();
        assertThat(entry.getMode()).isEqualTo(entry.isDirectory() ? 040755 : 0100644);
      }
    }
  }

  @Test
  void badNamesAreRejectedWithTheirField() {
    assertThatThrownBy(
            () ->
                builder.build(
                    new TopologyPackageRequest(
                        "Word.Count", definition, binary, "t.jar", Map.of(), null, ZK, ROOT)))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("name"));
    assertThatThrownBy(
            () ->
                builder.build(
                    new TopologyPackageRequest(
                        "WordCount", definition, binary, "../t.jar", Map.of(), null, ZK, ROOT)))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("topology"));
    assertThatThrownBy(
            () ->
                builder.build(
                    new TopologyPackageRequest(
                        "WordCount",
                        definition,
                        binary,
                        "WordCount.defn",
                        Map.of(),
                        null,
                        ZK,
                        ROOT)))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("topology"));
    assertThatThrownBy(
            () ->
                builder.build(
                    new TopologyPackageRequest(
                        "WordCount",
                        definition,
                        binary,
                        "a".repeat(100) + ".jar",
                        Map.of(),
                        null,
                        ZK,
                        ROOT)))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("topology"));
    assertThat(store.list()).isEmpty();
  }

  @Test
  void uriOfKeepsAProxyPrefixAndRejectsAQuery() {
    StoredPackage stored = new StoredPackage("ab".repeat(32), "topology.tar.gz", 1, Path.of("x"));

    assertThat(
            TopologyPackageBuilder.uriOf(stored, URI.create("https://proxy.example.com/heroncp/")))
        .isEqualTo(
            URI.create(
                "https://proxy.example.com/heroncp/api/v1/packages/"
                    + "ab".repeat(32)
                    + "/topology.tar.gz"));
    assertThatThrownBy(() -> TopologyPackageBuilder.uriOf(stored, URI.create("http://h/?x=1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TopologyPackageBuilder.uriOf(stored, URI.create("/relative")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withASecretThePackageUriAndThePlaceholderCarryTheirSignature() {
    PackageUrlSigner signer =
        new PackageUrlSigner("0123456789abcdef0123456789abcdef", java.util.List.of(), false);
    TopologyPackageBuilder signing = new TopologyPackageBuilder(store, BASE, signer);

    TopologyPackage built = signing.build(request(Map.of(), null));

    String sha = built.stored().sha256();
    assertThat(built.uri())
        .isEqualTo(
            URI.create(
                TopologyPackageBuilder.uriOf(built.stored(), BASE)
                    + "?sig="
                    + signer.sign(sha, "topology.tar.gz")));
    assertThat(
            signer.verify(
                sha, "topology.tar.gz", built.uri().getQuery().substring("sig=".length())))
        .isTrue();
    assertThat(signing.placeholderUri().getQuery())
        .isEqualTo("sig=" + signer.sign("0".repeat(64), "topology.tar.gz"));
    assertThat(builder.build(request(Map.of(), null)).uri().getQuery())
        .as("without a secret")
        .isNull();
  }

  @Test
  void publicBaseUrlIsReadAtBuildTime() {
    URI[] base = {URI.create("http://127.0.0.1:1")};
    TopologyPackageBuilder lazy = new TopologyPackageBuilder(store, () -> base[0]);
    base[0] = URI.create("http://127.0.0.1:4242");

    assertThat(lazy.build(request(Map.of(), null)).uri().getPort()).isEqualTo(4242);
  }

  private TopologyPackageRequest request(Map<String, String> overrides, Path configDirectory) {
    return new TopologyPackageRequest(
        "WordCount", definition, binary, "word-count.jar", overrides, configDirectory, ZK, ROOT);
  }

  /** Entry name to content, in archive order. */
  static Map<String, byte[]> readTarGz(Path path) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(path);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        entries.put(entry.getName(), tar.readAllBytes());
      }
    }
    return entries;
  }

  static Map<String, Object> yaml(byte[] content) {
    return new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(new String(content, StandardCharsets.UTF_8));
  }
}
