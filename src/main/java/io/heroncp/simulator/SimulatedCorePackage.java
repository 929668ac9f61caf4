package io.heroncp.simulator;

import io.heroncp.packages.TarGz;
import io.heroncp.packages.TarGz.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Heron core package of the simulated cluster, served by {@link SimulatorHttpServer} at {@link
 * #PATH}: what the local cluster's {@code core-package-uri} points at, so that the simulated
 * agent's {@code fetch_heron_system} process and the cluster's preflight have a real archive to
 * download.
 *
 * <p>The simulator runs no Heron process (its agent stands in for {@code heron-executor}, and
 * {@link TopologyManagerStandIn} for the topology manager), so the archive carries no binaries: a
 * {@code heron-core/} directory with Heron's {@code release.yaml} (version {@value #VERSION}) and a
 * README that says what this is and what a real Aurora cluster needs instead. Written by {@link
 * TarGz}, so the bytes are the same on every start and its digest is stable.
 */
public final class SimulatedCorePackage {

  /** The path the simulator serves it under. */
  public static final String PATH = "/packages/heron-core.tar.gz";

  /**
   * The {@code heron.build.version} in its {@code release.yaml}: marks a simulated core wherever it
   * shows up.
   */
  public static final String VERSION = "simulated";

  private static final String RELEASE_YAML =
      """
      heron.build.version : %s
      heron.build.time : 1970-01-01T00:00:00Z
      heron.build.timestamp : 0
      heron.build.host : heron-controlplane
      heron.build.user : heron-controlplane
      heron.build.git.revision : none
      heron.build.git.status : Clean
      """
          .formatted(VERSION);

  private static final String README =
      """
      The Heron core package of the Heron Control Plane's Aurora simulator.

      The simulator's agent downloads and unpacks this archive for every task, as Aurora's
      fetch_heron_system process does, and then stands in for heron-executor: no Heron
      process runs, so the archive holds no binaries.

      A real Aurora cluster needs a Heron core release (heron-core.tar.gz from a Heron
      distribution) at a URI its agents can fetch; set heroncp.clusters.<name>.core-package-uri
      and check it with POST /api/v1/clusters/<name>/preflight.
      """;

  private static final SimulatedCorePackage INSTANCE = new SimulatedCorePackage();

  private final byte[] bytes;
  private final String sha256;

  private SimulatedCorePackage() {
    this.bytes = build();
    try {
      this.sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The one package (it never changes while the JVM runs). */
  public static SimulatedCorePackage get() {
    return INSTANCE;
  }

  /** A copy of the archive's bytes. */
  public byte[] bytes() {
    return Arrays.copyOf(bytes, bytes.length);
  }

  public int size() {
    return bytes.length;
  }

  /** Hex SHA-256 of the archive, served as its ETag. */
  public String sha256() {
    return sha256;
  }

  private static byte[] build() {
    SortedMap<String, Source> entries = new TreeMap<>();
    entries.put("heron-core/", Source.DIRECTORY);
    entries.put("heron-core/README", new Source.Bytes(README.getBytes(StandardCharsets.UTF_8)));
    entries.put(
        "heron-core/release.yaml", new Source.Bytes(RELEASE_YAML.getBytes(StandardCharsets.UTF_8)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TarGz.write(entries, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the simulated Heron core package in memory", e);
    }
    return out.toByteArray();
  }
}
