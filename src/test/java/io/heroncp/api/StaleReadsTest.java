package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads while ZooKeeper is unreachable answer from the cache and say so ({@code Warning: 110},
 * {@code "stale": true}); mutations answer 503. The service has a ZooKeeper of its own here (the
 * shared test ZooKeeper must keep running for the other tests), stopped and restarted on the same
 * port and data.
 */
class StaleReadsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String STALE = "110 - \"Response is Stale\"";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private TestingServer zooKeeper;
  private ConfigurableApplicationContext service;
  private String base;

  @BeforeEach
  void start() throws Exception {
    Path data = Files.createTempDirectory("heroncp-stale");
    // restart() keeps the port the server picked and its data directory.
    zooKeeper = new TestingServer(true);
    service =
        SpringApplication.run(
            HeronControlPlaneApplication.class,
            "--server.port=0",
            "--heroncp.zookeeper.embedded.enabled=false",
            "--heroncp.zookeeper.connect-string=" + zooKeeper.getConnectString(),
            "--heroncp.zookeeper.session-timeout=4s",
            "--heroncp.zookeeper.connection-timeout=2s",
            "--heroncp.zookeeper.operation-timeout=3s",
            "--heroncp.clusters.local.scheduler.zookeeper=" + zooKeeper.getConnectString(),
            "--heroncp.simulator.port=0",
            "--heroncp.simulator.pending-delay=50ms",
            "--heroncp.simulator.assigned-delay=50ms",
            "--heroncp.simulator.starting-delay=50ms",
            "--heroncp.simulator.killing-delay=50ms",
            "--heroncp.operations.lock-wait=1s",
            "--heroncp.packages.directory=" + data.resolve("packages"));
    base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
  }

  @AfterEach
  void stop() throws IOException {
    if (service != null) {
      service.close();
    }
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)));
  }

  @Test
  void readsSayTheyMayBeStaleAndMutationsAnswer503WhileZooKeeperIsDown() throws Exception {
    Multipart form =
        Multipart.submit("local", "alice", null, "Stale", HeronDefinitions.SINGLE_SPOUT);
    HttpResponse<String> submitted =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/topologies"))
                .header("Content-Type", form.contentType())
                .POST(form.publisher()));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String path = "/api/v1/topologies/local/alice/devel/Stale";
    HttpResponse<String> fresh = get(path);
    assertThat(fresh.headers().firstValue("Warning")).isEmpty();
    assertThat(JSON.readTree(fresh.body()).has("stale")).isFalse();
    assertThat(JSON.readTree(get("/api/v1/topologies").body()).has("stale")).isFalse();

    zooKeeper.stop();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              HttpResponse<String> one = get(path);
              assertThat(one.statusCode()).isEqualTo(200);
              assertThat(one.headers().firstValue("Warning")).hasValue(STALE);
              JsonNode body = JSON.readTree(one.body());
              assertThat(body.get("stale").asBoolean()).isTrue();
              assertThat(body.get("name").asString()).isEqualTo("Stale");
            });
    HttpResponse<String> list = get("/api/v1/topologies");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Warning")).hasValue(STALE);
    JsonNode listed = JSON.readTree(list.body());
    assertThat(listed.get("stale").asBoolean()).isTrue();
    assertThat(listed.get("topologies").get(0).get("name").asString()).isEqualTo("Stale");
    HttpResponse<String> kill = send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    assertThat(kill.statusCode()).as(kill.body()).isEqualTo(503);
    assertThat(kill.headers().firstValue("Retry-After")).isPresent();

    zooKeeper.restart();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HttpResponse<String> one = get(path);
              assertThat(one.headers().firstValue("Warning")).isEmpty();
              assertThat(JSON.readTree(one.body()).has("stale")).isFalse();
            });
    assertThat(get("/api/v1/topologies").headers().firstValue("Warning")).isEmpty();
    HttpResponse<String> killed = send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
  }
}
