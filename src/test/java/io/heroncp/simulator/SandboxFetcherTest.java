package io.heroncp.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.heroncp.aurora.AuroraJobFactory;
import io.heroncp.aurora.thrift.ExecutorConfig;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.simulator.SandboxFetcher.Fetch;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.TopologyKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which processes the simulated agent runs, read from the job the service really renders, and the
 * archive checks.
 */
class SandboxFetcherTest {

  private static final URI CORE = URI.create("https://artifacts.example/heron/heron-core.tar.gz");
  private static final URI TOPOLOGY =
      URI.create("http://10.0.0.5:8080/api/v1/packages/ab12/topology.tar.gz");

  @TempDir Path dir;

  @Test
  void theServicesJobFetchesTheCoreThenTheTopologyPackage() throws Exception {
    TopologyDefinition definition =
        new DefinitionReader().read(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "wc"));
    PackingPlan packing = new RoundRobinPacking().pack(definition, Map.of());
    JobRequest request =
        new JobRequest(
            new TopologyKey("local", "alice", "devel", "wc"),
            "alice",
            definition,
            packing,
            TOPOLOGY,
            "word-count.jar",
            Map.of());
    ClusterProperties cluster =
        new ClusterProperties(
            "devel",
            "^(devel)$",
            "/heron",
            null,
            CORE,
            null,
            Map.of(),
            new ClusterProperties.Scheduler(
                URI.create("http://127.0.0.1:1"),
                null,
                "/aurora/scheduler",
                null,
                null,
                ClusterProperties.Scheduler.Protocol.BINARY,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1)));
    JobConfiguration job = new AuroraJobFactory().create(request, cluster, "127.0.0.1:2181");

    assertThat(SandboxFetcher.fetches(job.getTaskConfig()))
        .containsExactly(
            new Fetch("fetch_heron_system", CORE.toString(), "heron-core.tar.gz"),
            new Fetch("fetch_user_package", TOPOLOGY.toString(), "topology.tar.gz"));
  }

  @Test
  void tasksWithoutThermosFetchProcessesFetchNothing() {
    assertThat(SandboxFetcher.fetches(null)).isEmpty();
    assertThat(SandboxFetcher.fetches(new TaskConfig())).isEmpty();
    assertThat(SandboxFetcher.fetches(task("not json"))).isEmpty();
    assertThat(SandboxFetcher.fetches(task("{\"name\":\"hello\"}"))).isEmpty();
    // Not the template's shape: other commands, or a file saved under one name and unpacked under
    // another.
    assertThat(
            SandboxFetcher.fetches(
                task(
                    "{\"task\":{\"processes\":["
                        + "{\"name\":\"a\",\"cmdline\":\"wget http://x/y.tar.gz\"},"
                        + "{\"name\":\"b\",\"cmdline\":\"curl http://x/y.tar.gz -o y.tar.gz && tar zxf other.tar.gz\"}]}}")))
        .isEmpty();
  }

  @Test
  void eachFailureNamesTheProcessAndWhatCurlOrTarWouldSay() throws Exception {
    try (SandboxFetcher fetcher = new SandboxFetcher(Duration.ofSeconds(2))) {
      Path good = Files.write(dir.resolve("good.tar.gz"), SimulatedCorePackage.get().bytes());
      Path text =
          Files.writeString(
              dir.resolve("text.tar.gz"), "<html>not found</html>", StandardCharsets.UTF_8);

      assertThat(fetcher.run(List.of(new Fetch("core", good.toUri().toString(), "c.tar.gz"))))
          .isEmpty();
      assertThat(fetcher.run(List.of(new Fetch("core", text.toUri().toString(), "c.tar.gz"))))
          .contains(
              "Process core failed: tar zxf c.tar.gz: gzip: stdin: not in gzip format ("
                  + text.toUri()
                  + " is not a .tar.gz)");
      assertThat(
              fetcher.run(List.of(new Fetch("core", "s3://bucket/heron-core.tar.gz", "c.tar.gz"))))
          .contains(
              "Process core failed: curl: (1) Protocol \"s3\" not supported: s3://bucket/heron-core.tar.gz");
      assertThat(fetcher.run(List.of(new Fetch("core", "http://bad host/x", "c.tar.gz"))))
          .contains(
              "Process core failed: curl: (3) URL using bad/illegal format or missing URL: http://bad host/x");
      // The first failure stops the sequence, as Thermos's sequential task does.
      assertThat(
              fetcher.run(
                  List.of(
                      new Fetch("first", dir.resolve("none").toUri().toString(), "a.tar.gz"),
                      new Fetch("second", "s3://never/tried", "b.tar.gz"))))
          .contains("Process first failed: curl: (37) Couldn't open file " + dir.resolve("none"));
    }
  }

  @Test
  void aDownloadThatStallsIsCutOffAtTheTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HttpServer stalling =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stalling.createContext(
        "/",
        exchange -> {
          byte[] archive = SimulatedCorePackage.get().bytes();
          exchange.sendResponseHeaders(200, archive.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(archive, 0, 16);
            out.flush();
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException ignored) {
            // the fetcher hung up
          }
        });
    stalling.start();
    try {
      String uri = "http://127.0.0.1:" + stalling.getAddress().getPort() + "/heron-core.tar.gz";
      long started = System.nanoTime();

      Optional<String> failure;
      try (SandboxFetcher fetcher = new SandboxFetcher(Duration.ofMillis(500))) {
        failure = fetcher.run(List.of(new Fetch("core", uri, "c.tar.gz")));
      }

      assertThat(failure)
          .contains(
              "Process core failed: curl: (28) Operation timed out after 500 milliseconds: " + uri);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    } finally {
      release.countDown();
      stalling.stop(0);
    }
  }

  private static TaskConfig task(String data) {
    return new TaskConfig().setExecutorConfig(new ExecutorConfig("AuroraExecutor", data));
  }
}
