package io.heroncp.bench;

import io.heroncp.support.FreePorts;
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

/**
 * The service under test: the built jar started as a child process on the embedded default (free
 * ports, its own data directory, output to a log file), or a service already running at a URL
 * ({@code attached}: then it cannot be restarted or told to collect garbage).
 */
final class ServiceProcess implements AutoCloseable {

  private final URI baseUrl;
  private final String zooKeeper;
  private final List<String> command;
  private final Path log;
  private Process process;

  private ServiceProcess(URI baseUrl, String zooKeeper, List<String> command, Path log) {
    this.baseUrl = baseUrl;
    this.zooKeeper = zooKeeper;
    this.command = command;
    this.log = log;
  }

  static ServiceProcess attach(URI baseUrl, String zooKeeper) {
    return new ServiceProcess(baseUrl, zooKeeper, null, null);
  }

  /** Starts {@code jar} with fresh data under {@code workDir}; returns once it is ready. */
  static ServiceProcess start(Path jar, Path workDir, List<String> jvmArgs) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it first (./mvnw package)");
    }
    Files.createDirectories(workDir);
    int http = FreePorts.freePort();
    int zk = FreePorts.freePort();
    int simulator = FreePorts.freePort();
    String zkConnect = "127.0.0.1:" + zk;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(
        List.of(
            "-jar",
            jar.toAbsolutePath().toString(),
            "--server.port=" + http,
            "--heroncp.zookeeper.connect-string=" + zkConnect,
            "--heroncp.zookeeper.embedded.port=" + zk,
            "--heroncp.zookeeper.embedded.data-directory=" + workDir.resolve("zookeeper"),
            "--heroncp.clusters.local.scheduler.zookeeper=" + zkConnect,
            "--heroncp.simulator.port=" + simulator,
            "--heroncp.packages.directory=" + workDir.resolve("packages")));
    ServiceProcess service =
        new ServiceProcess(
            URI.create("http://127.0.0.1:" + http),
            zkConnect,
            command,
            workDir.resolve("service.log"));
    service.launch();
    return service;
  }

  URI url(String pathAndQuery) {
    return baseUrl.resolve(pathAndQuery);
  }

  String zooKeeper() {
    return zooKeeper;
  }

  boolean attached() {
    return command == null;
  }

  Path log() {
    return log;
  }

  /** Starts the process and waits for readiness; returns the time from start to ready. */
  Duration launch() throws IOException {
    long start = System.nanoTime();
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    awaitReady(Duration.ofMinutes(3));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Graceful stop (SIGTERM), then the same command again on the same data: restart to ready. */
  Duration restart() throws IOException {
    stop();
    return launch();
  }

  /** Asks the service's JVM to collect garbage (jcmd GC.run); false when attached. */
  boolean collectGarbage() throws IOException, InterruptedException {
    if (attached()) {
      return false;
    }
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process gc =
        new ProcessBuilder(
                Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
                Long.toString(process.pid()),
                "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0;
  }

  private void awaitReady(Duration timeout) {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest readiness =
        HttpRequest.newBuilder(url("/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("The service exited; see " + log);
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
    throw new IllegalStateException("The service was not ready within " + timeout + "; see " + log);
  }

  private void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }
}
