package io.heroncp.heron;

import io.heroncp.heron.examples.ContainerSizedTopology;
import io.heroncp.heron.examples.RamMapTopology;
import io.heroncp.heron.examples.SingleSpoutTopology;
import io.heroncp.heron.examples.WordCountTopology;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test fixture that makes REAL Heron topology definitions: it runs an example topology's {@code
 * main} (built with heron-api's {@code TopologyBuilder}) in a child JVM with {@code HERON_OPTIONS}
 * set, exactly as heron-cli does before it submits, and returns the {@code <name>.defn} that
 * heron-api's {@code HeronSubmitter} wrote. Results are cached per (main class, name, options) for
 * the test JVM, since each run costs a JVM start. Thread-safe.
 *
 * <p>Example topologies ({@code io.heroncp.heron.examples}):
 *
 * <ul>
 *   <li>{@link #WORD_COUNT}: spout {@code sentence} x1, bolts {@code split} x2 and {@code count}
 *       x2, 2 stmgrs.
 *   <li>{@link #SINGLE_SPOUT}: spout {@code sentence} x1 (heron-api defaults {@code
 *       topology.stmgrs} to 1).
 *   <li>{@link #RAM_MAP}: spout x2, split x3 (512 MiB), count x2 (2 GiB), 3 stmgrs.
 *   <li>{@link #CONTAINER_SIZED}: word count on 2 stmgrs with container RAM 6 GiB, CPU 4, disk 20
 *       GiB, RAM padding 1 GiB.
 * </ul>
 */
public final class HeronDefinitions {

  public static final Class<?> WORD_COUNT = WordCountTopology.class;
  public static final Class<?> SINGLE_SPOUT = SingleSpoutTopology.class;
  public static final Class<?> RAM_MAP = RamMapTopology.class;
  public static final Class<?> CONTAINER_SIZED = ContainerSizedTopology.class;

  /** Options every definition gets unless overridden, as heron-cli passes them. */
  public static final Map<String, String> DEFAULT_OPTIONS =
      Map.of(
          "cmdline.topology.role", "alice",
          "cmdline.topology.environment", "devel",
          "cmdline.topology.cluster", "local");

  /** heron-cli's option for {@code --deploy-deactivated}. */
  public static final Map<String, String> PAUSED =
      Map.of("cmdline.topology.initial.state", "PAUSED");

  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private HeronDefinitions() {}

  /** The {@code .defn} bytes of {@code mainClass} submitted as {@code topologyName}. */
  public static byte[] definition(Class<?> mainClass, String topologyName) {
    return definition(mainClass, topologyName, Map.of());
  }

  /**
   * As {@link #definition(Class, String)}, starting deactivated ({@code heron submit
   * --deploy-deactivated}).
   */
  public static byte[] pausedDefinition(Class<?> mainClass, String topologyName) {
    return definition(mainClass, topologyName, PAUSED);
  }

  /** The {@code .defn} bytes, with extra {@code HERON_OPTIONS} entries (override the defaults). */
  public static byte[] definition(
      Class<?> mainClass, String topologyName, Map<String, String> options) {
    String cacheKey =
        mainClass.getName() + "|" + topologyName + "|" + new java.util.TreeMap<>(options);
    return CACHE
        .computeIfAbsent(
            cacheKey,
            k -> {
              try {
                Path dir = Files.createTempDirectory("heron-defn");
                try {
                  return Files.readAllBytes(writeDefinition(mainClass, topologyName, options, dir));
                } finally {
                  deleteRecursively(dir);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .clone();
  }

  /**
   * Runs {@code mainClass NAME} in a child JVM with {@code HERON_OPTIONS} pointing at {@code dir}
   * and returns the path of the {@code <name>.defn} it wrote.
   */
  public static Path writeDefinition(
      Class<?> mainClass, String topologyName, Map<String, String> options, Path dir) {
    Map<String, String> all = new LinkedHashMap<>(DEFAULT_OPTIONS);
    all.putAll(options);
    all.put("cmdline.topologydefn.tmpdirectory", dir.toAbsolutePath().toString());
    String heronOptions =
        all.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().replace(" ", "%%%%"))
            .collect(Collectors.joining(","));
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass.getName(),
                topologyName)
            .redirectErrorStream(true);
    builder.environment().put("HERON_OPTIONS", heronOptions);
    try {
      Process process = builder.start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("Topology main " + mainClass.getName() + " did not finish");
      }
      Path defn = dir.resolve(topologyName + ".defn");
      if (process.exitValue() != 0 || !Files.exists(defn)) {
        throw new IllegalStateException(
            "Topology main "
                + mainClass.getName()
                + " exited "
                + process.exitValue()
                + " without writing "
                + defn
                + ":\n"
                + new String(output, StandardCharsets.UTF_8));
      }
      return defn;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes a topology jar holding the compiled example classes ({@code
   * io/heroncp/heron/examples/*.class}) from the test classpath, with {@code mainClass} as {@code
   * Main-Class}; heron-api itself is not inside (Heron's instances provide it).
   */
  public static Path writeTopologyJar(Class<?> mainClass, Path jar) {
    Path classes = examplesDirectory();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
    try {
      Files.createDirectories(jar.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(jar);
          JarOutputStream jarOut = new JarOutputStream(out, manifest);
          Stream<Path> files = Files.list(classes)) {
        List<Path> classFiles =
            files.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        for (Path classFile : classFiles) {
          jarOut.putNextEntry(new JarEntry("io/heroncp/heron/examples/" + classFile.getFileName()));
          jarOut.write(Files.readAllBytes(classFile));
          jarOut.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of {@link #writeTopologyJar}. */
  public static byte[] topologyJar(Class<?> mainClass) {
    try {
      Path dir = Files.createTempDirectory("heron-jar");
      try {
        return Files.readAllBytes(writeTopologyJar(mainClass, dir.resolve("topology.jar")));
      } finally {
        deleteRecursively(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path examplesDirectory() {
    try {
      return Paths.get(WordCountTopology.class.getResource("WordCountTopology.class").toURI())
          .getParent();
    } catch (URISyntaxException | java.nio.file.FileSystemNotFoundException e) {
      throw new IllegalStateException(
          "Example classes are not in a directory on the test classpath", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
