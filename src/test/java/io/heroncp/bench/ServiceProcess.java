package io.heroncp.bench;

import io.heroncp.support.ChildProcess;
import io.heroncp.support.FastStartJar;
import io.heroncp.support.FreePorts;
import io.heroncp.support.StandaloneCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service under test, in production shape: the built jar in a JVM of its own, with ZooKeeper
 * and the Aurora simulator each in a process of their own ({@link StandaloneCluster}), so the
 * service's heap and restart are the service's only. The jar runs as the container image runs it
 * ({@link FastStartJar}), or packaged ({@code java -jar}) when asked. Or a service already running
 * at a URL ({@code attached}: then it cannot be restarted or told to collect garbage).
 */
final class ServiceProcess implements AutoCloseable {

  /** How the service was started, for the benchmark's output. */
  record Launch(String how, List<String> command) {}

  private final URI baseUrl;
  private final String zooKeeper;
  private final StandaloneCluster cluster;
  private final ChildProcess process;
  private final Launch launch;

  private ServiceProcess(
      URI baseUrl,
      String zooKeeper,
      StandaloneCluster cluster,
      ChildProcess process,
      Launch launch) {
    this.baseUrl = baseUrl;
    this.zooKeeper = zooKeeper;
    this.cluster = cluster;
    this.process = process;
    this.launch = launch;
  }

  static ServiceProcess attach(URI baseUrl, String zooKeeper) {
    return new ServiceProcess(baseUrl, zooKeeper, null, null, null);
  }

  /**
   * Starts ZooKeeper, the simulator and {@code jar} with fresh data under {@code workDir}; returns
   * once the service is ready.
   *
   * @param fastStart run the jar as the container image does (extracted, class-data-sharing
   *     archive) rather than packaged
   */
  static ServiceProcess start(
      Path jar,
      Path workDir,
      List<String> jvmArgs,
      boolean fastStart,
      String zooKeeperHeap,
      String simulatorHeap)
      throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it first (./mvnw package)");
    }
    Path work = workDir.toAbsolutePath();
    Files.createDirectories(work);
    StandaloneCluster cluster =
        new StandaloneCluster(
            jar.toAbsolutePath(), work, 2000, zooKeeperHeap, simulatorHeap, List.of());
    try {
      cluster.start();
      List<String> command = new ArrayList<>();
      command.add(ChildProcess.launcher());
      command.addAll(jvmArgs);
      String how;
      if (fastStart) {
        FastStartJar image =
            new FastStartJar(jar.toAbsolutePath(), work.resolve("fast-start"))
                .prepare(ChildProcess.java());
        command.addAll(image.javaArguments());
        how =
            image.archived()
                ? "as the container image starts it: extracted jar, class-data-sharing archive"
                    + " from a training run (docker/Dockerfile)"
                : "extracted jar; the class-data-sharing training run failed (see "
                    + work.resolve("fast-start")
                    + "), so without an archive";
      } else {
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        how = "packaged jar (java -jar), without class-data sharing";
      }
      cluster.awaitSimulator();
      int http = FreePorts.freePort();
      command.addAll(cluster.serviceArguments());
      command.addAll(
          List.of(
              "--server.port=" + http, "--heroncp.packages.directory=" + work.resolve("packages")));
      ServiceProcess service =
          new ServiceProcess(
              URI.create("http://127.0.0.1:" + http),
              cluster.connectString(),
              cluster,
              new ChildProcess("service", command, work.resolve("service.log")),
              new Launch(how, command));
      service.launch();
      return service;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  URI url(String pathAndQuery) {
    return baseUrl.resolve(pathAndQuery);
  }

  String zooKeeper() {
    return zooKeeper;
  }

  boolean attached() {
    return process == null;
  }

  Path log() {
    return process.log();
  }

  Launch launchedAs() {
    return launch;
  }

  StandaloneCluster cluster() {
    return cluster;
  }

  /** Starts the service's process and waits for readiness; returns the time from start to ready. */
  Duration launch() throws IOException {
    long start = System.nanoTime();
    process.start();
    awaitReady(Duration.ofMinutes(3));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Graceful stop (SIGTERM) of the service only, then the same command again on the same data,
   * ZooKeeper and simulator: restart to ready.
   */
  Duration restart() throws IOException {
    process.close();
    return launch();
  }

  /** CPU time the service's process has used so far (all its threads), if the OS tells. */
  Duration cpuTime() {
    return ProcessHandle.of(process.pid())
        .flatMap(p -> p.info().totalCpuDuration())
        .orElse(Duration.ZERO);
  }

  /** Asks the service's JVM to collect garbage (jcmd GC.run); false when attached. */
  boolean collectGarbage() throws IOException, InterruptedException {
    if (attached()) {
      return false;
    }
    return jcmd(process.pid(), "GC.run") != null;
  }

  /**
   * Heap in use (bytes) of another JVM after {@code jcmd GC.run}: the sum of its generations (or
   * G1's heap) in {@code GC.heap_info}; NaN when jcmd fails.
   */
  static double heapAfterGc(long pid) throws IOException, InterruptedException {
    if (jcmd(pid, "GC.run") == null) {
      return Double.NaN;
    }
    String info = jcmd(pid, "GC.heap_info");
    if (info == null) {
      return Double.NaN;
    }
    Matcher used =
        Pattern.compile(
                "(?m)^\\s*(?:[\\w ]+ generation|garbage-first heap)\\s+total \\d+K, used (\\d+)K")
            .matcher(info);
    double bytes = 0;
    while (used.find()) {
      bytes += Long.parseLong(used.group(1)) * 1024.0;
    }
    return bytes;
  }

  /** What {@code jcmd pid command} printed, or null when it failed. */
  static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process run =
        new ProcessBuilder(
                Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String output = new String(run.getInputStream().readAllBytes());
    return run.waitFor(60, TimeUnit.SECONDS) && run.exitValue() == 0 ? output : null;
  }

  private void awaitReady(Duration timeout) {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest readiness =
        HttpRequest.newBuilder(url("/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.alive()) {
        throw new IllegalStateException("The service exited; see " + process.log());
      }
      try {
        if (client.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "The service was not ready within " + timeout + "; see " + process.log());
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
