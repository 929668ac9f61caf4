package io.heroncp.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the end-to-end tests: the whole service on a random port, against a real ZooKeeper and
 * the built-in Aurora simulator (its own random port, found through ZooKeeper discovery as in
 * production). Every subclass shares one application context, so one simulator is announced in the
 * shared ZooKeeper (a second context's simulator would compete for that role); subclasses must not
 * change the context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(CrashPoints.class)
public abstract class ServiceTest {

  protected static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The simulator's port, the same for the whole run (one shared context). */
  protected static final int SIMULATOR_PORT = FreePorts.freePort();

  @LocalServerPort protected int port;

  @DynamicPropertySource
  static void serviceProperties(DynamicPropertyRegistry registry) {
    registry.add("heroncp.zookeeper.connect-string", SharedZooKeeper::connectString);
    registry.add("heroncp.zookeeper.embedded.enabled", () -> "false");
    // A fixed free port: the local cluster's default core-package-uri names it.
    registry.add("heroncp.simulator.port", () -> Integer.toString(SIMULATOR_PORT));
    // The simulator's journal of this run only (the shared ZooKeeper outlives contexts).
    registry.add("heroncp.simulator.state.path", () -> "/aurora/simulator-state-" + SIMULATOR_PORT);
    registry.add("heroncp.simulator.flapping-task-delay", () -> "300ms");
    registry.add("heroncp.simulator.max-flapping-task-delay", () -> "1s");
    registry.add("heroncp.simulator.pending-delay", () -> "100ms");
    registry.add("heroncp.simulator.assigned-delay", () -> "100ms");
    registry.add("heroncp.simulator.starting-delay", () -> "100ms");
    registry.add("heroncp.simulator.killing-delay", () -> "100ms");
    registry.add("heroncp.clusters.local.scheduler.zookeeper", SharedZooKeeper::connectString);
    registry.add("heroncp.packages.directory", () -> SharedZooKeeper.packageDirectory().toString());
    registry.add("heroncp.packages.max-upload-size", () -> "4MB");
    registry.add("heroncp.operations.reconcile-interval", () -> "500ms");
    // Observations arrive quickly (and tests of the watcher count calls against this schedule).
    registry.add("heroncp.status.poll-interval", () -> "200ms");
    registry.add("heroncp.status.degraded-after", () -> "1s");
    registry.add("heroncp.operations.reconcile-after", () -> "1s");
    // Event streams: heartbeats often (tests wait for them), few subscribers and short queues
    // (tests
    // reach both bounds).
    registry.add("heroncp.events.heartbeat-interval", () -> "500ms");
    registry.add("heroncp.events.max-subscribers", () -> "24");
    registry.add("heroncp.events.subscriber-queue-size", () -> "64");
    registry.add("heroncp.operations.lock-wait", () -> "2s");
    // Verbs wait this long for a starting topology (the simulator starts one in well under a
    // second).
    registry.add("heroncp.operations.topology-manager-wait", () -> "10s");
    // The simulated scheduler is stricter than the cluster's setting, so a job can pass the
    // service's checks
    // and still be refused by Aurora.
    registry.add(
        "heroncp.clusters.local.allowed-environments", () -> "^(prod|devel|test|staging\\d*)$");
    registry.add("heroncp.simulator.allowed-environments", () -> "^(prod|devel|test)$");
    // A cluster on the same simulator whose Heron core package does not exist: its tasks fail to
    // fetch it.
    registry.add(
        "heroncp.clusters.nocore.core-package-uri",
        () -> "http://127.0.0.1:" + SIMULATOR_PORT + "/packages/no-such-core.tar.gz");
    registry.add("heroncp.clusters.nocore.heron-root", () -> "/heron-nocore");
    registry.add("heroncp.clusters.nocore.scheduler.zookeeper", SharedZooKeeper::connectString);
    registry.add("heroncp.clusters.nocore.scheduler.zookeeper-path", () -> "/aurora/scheduler");
    // A cluster on the same simulator whose jobs run on Aurora's production tier: the simulator
    // checks them against the role's quota (role "funded" has one, every other role none).
    registry.add(
        "heroncp.clusters.tiered.core-package-uri",
        () -> "http://127.0.0.1:" + SIMULATOR_PORT + "/packages/heron-core.tar.gz");
    registry.add("heroncp.clusters.tiered.heron-root", () -> "/heron-tiered");
    registry.add("heroncp.clusters.tiered.tier", () -> "preferred");
    registry.add("heroncp.clusters.tiered.scheduler.zookeeper", SharedZooKeeper::connectString);
    registry.add("heroncp.simulator.quotas.funded.cpus", () -> "64");
    registry.add("heroncp.simulator.quotas.funded.ram-mb", () -> "262144");
    registry.add("heroncp.simulator.quotas.funded.disk-mb", () -> "1048576");
    // A cluster whose scheduler never answers.
    registry.add(
        "heroncp.clusters.offline.core-package-uri", () -> "http://127.0.0.1:9/heron-core.tar.gz");
    registry.add("heroncp.clusters.offline.heron-root", () -> "/heron-offline");
    registry.add("heroncp.clusters.offline.scheduler.url", () -> "http://127.0.0.1:9");
    registry.add("heroncp.clusters.offline.scheduler.connect-timeout", () -> "1s");
  }

  protected URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  protected HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  protected HttpResponse<String> delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
  }

  protected HttpResponse<String> post(String path, Multipart form) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", form.contentType())
            .POST(form.publisher())
            .build());
  }

  protected static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits (bounded) until GET of the topology at {@code path} answers one of {@code states}: a
   * submitted topology is STARTING until its tasks run and its topology manager is up.
   */
  protected JsonNode awaitState(String path, String... states) {
    java.util.List<String> wanted = java.util.List.of(states);
    JsonNode[] last = {null};
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              HttpResponse<String> response = get(path);
              if (response.statusCode() != 200) {
                return false;
              }
              last[0] = json(response);
              return wanted.contains(last[0].get("state").asString());
            });
    return last[0];
  }

  protected static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }
}
