package io.heroncp.packages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The Heron cluster config files shipped inside the service ({@code
 * src/main/resources/heron-conf/}): Heron on Aurora with its state in ZooKeeper. Packed as a
 * topology package's {@code heron-conf/} when a cluster names no config directory of its own.
 * Stateless and thread-safe.
 */
public final class BuiltInHeronConfig {

  /** The classpath directory holding the files. */
  public static final String RESOURCE_DIRECTORY = "heron-conf";

  /**
   * Every file in {@link #RESOURCE_DIRECTORY}, sorted. A fixed index because a classpath directory
   * cannot be listed inside the Boot jar; a test keeps it equal to the directory's content.
   */
  public static final List<String> FILES =
      List.of(
          "client.yaml",
          "downloader.yaml",
          "healthmgr.yaml",
          "heron_internals.yaml",
          "metrics_sinks.yaml",
          "packing.yaml",
          "scheduler.yaml",
          "stateful.yaml",
          "statemgr.yaml",
          "uploader.yaml");

  private BuiltInHeronConfig() {}

  /**
   * The bytes of one built-in file.
   *
   * @throws IllegalArgumentException if {@code fileName} is not in {@link #FILES}
   * @throws IllegalStateException if the file is missing from the classpath (a broken build)
   */
  public static byte[] read(String fileName) {
    if (!FILES.contains(fileName)) {
      throw new IllegalArgumentException(
          "no built-in Heron config file " + fileName + "; known: " + FILES);
    }
    String resource = RESOURCE_DIRECTORY + "/" + fileName;
    try (InputStream in = BuiltInHeronConfig.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "classpath resource " + resource + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading classpath resource " + resource + " failed", e);
    }
  }
}
