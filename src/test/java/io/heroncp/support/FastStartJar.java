package io.heroncp.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built jar as the container image runs it (docker/Dockerfile): extracted with Spring Boot's
 * {@code -Djarmode=tools extract} (the application jar and {@code lib/}), and a class-data-sharing
 * archive made by one training run that stops once the context is refreshed. Same classes, same
 * code; the JVM maps the classes instead of loading and verifying them, about half the CPU to
 * ready. A failed training run only costs speed: the JVM ignores a missing archive.
 */
public final class FastStartJar {

  /**
   * The training run's arguments, the same as docker/Dockerfile's: nothing embedded, a ZooKeeper
   * that is not there (startup waits 1 s for it, twice: the store's client and cluster {@code
   * local}'s discovery), so it needs nothing running and writes nothing that outlives it. {@code
   * -Dspring.context.exit=onRefresh} ends it once every bean is made.
   */
  static final List<String> TRAINING_ARGUMENTS =
      List.of(
          "--server.port=0",
          "--heroncp.zookeeper.embedded.enabled=false",
          "--heroncp.simulator.enabled=false",
          "--heroncp.zookeeper.connect-string=127.0.0.1:1",
          "--heroncp.zookeeper.connection-timeout=1s",
          "--heroncp.clusters.local.scheduler.zookeeper=127.0.0.1:1");

  private final Path packagedJar;
  private final Path directory;
  private final Path jar;
  private final Path archive;

  /** The jar extracted under {@code directory}, with its archive there: see {@link #prepare}. */
  public FastStartJar(Path packagedJar, Path directory) {
    this.packagedJar = packagedJar;
    this.directory = directory;
    this.jar = directory.resolve("app").resolve(packagedJar.getFileName());
    this.archive = directory.resolve("app.jsa");
  }

  /**
   * Extracts the packaged jar and trains its archive, running {@code launcher} (the java command
   * and its flags); logs go to the directory.
   */
  public FastStartJar prepare(List<String> launcher) throws IOException, InterruptedException {
    Files.createDirectories(directory);
    List<String> extract = new ArrayList<>(launcher);
    extract.addAll(
        List.of(
            "-Djarmode=tools",
            "-jar",
            packagedJar.toString(),
            "extract",
            "--force",
            "--destination",
            jar.getParent().toString()));
    runToEnd(extract, directory.resolve("extract.log"));
    List<String> training = new ArrayList<>(launcher);
    training.add("-XX:ArchiveClassesAtExit=" + archive);
    training.addAll(List.of("-Dspring.context.exit=onRefresh", "-jar", jar.toString()));
    training.addAll(TRAINING_ARGUMENTS);
    training.add("--heroncp.packages.directory=" + directory.resolve("training-packages"));
    runToEnd(training, directory.resolve("cds-training.log"));
    return this;
  }

  /** The JVM arguments that run it: the archive, then {@code -jar} and the extracted jar. */
  public List<String> javaArguments() {
    return List.of("-XX:SharedArchiveFile=" + archive, "-jar", jar.toString());
  }

  /** Whether the training run left an archive (else the JVM starts without one). */
  public boolean archived() {
    return Files.isRegularFile(archive);
  }

  private static void runToEnd(List<String> command, Path log)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("did not finish in 3 minutes; see " + log);
    }
  }
}
