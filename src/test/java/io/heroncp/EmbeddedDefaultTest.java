package io.heroncp;

import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default as {@code ./mvnw spring-boot:run} starts it (application.yaml unchanged:
 * embedded ZooKeeper, simulator, package store), only on free ports and a temporary data directory:
 * health is UP, and a real topology reaches RUNNING and is killed.
 */
class EmbeddedDefaultTest {

  private ConfigurableApplicationContext context;

  @AfterEach
  void stop() {
    if (context != null) {
      context.close();
    }
  }

  @Test
  void embeddedDefaultServesHealthAndRunsATopology() throws Exception {
    Path data = Files.createTempDirectory("heroncp-data");
    // Known up front: the connect strings derive from the embedded ZooKeeper's port.
    int zk = freePort();
    context =
        SpringApplication.run(
            HeronControlPlaneApplication.class,
            "--server.port=0",
            "--heroncp.zookeeper.connect-string=127.0.0.1:" + zk,
            "--heroncp.zookeeper.embedded.port=" + zk,
            "--heroncp.zookeeper.embedded.data-directory=" + data.resolve("zookeeper"),
            "--heroncp.clusters.local.scheduler.zookeeper=127.0.0.1:" + zk,
            // Known up front: the local cluster's core-package-uri names it, and the topology's
            // tasks fetch it.
            "--heroncp.simulator.port=" + freePort(),
            "--heroncp.simulator.pending-delay=50ms",
            "--heroncp.simulator.assigned-delay=50ms",
            "--heroncp.simulator.starting-delay=50ms",
            "--heroncp.simulator.killing-delay=50ms",
            "--heroncp.packages.directory=" + data.resolve("packages"));
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");

    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    // ZooKeeper's embedded server writes its configuration to java.io.tmpdir; the service removes
    // it.
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(
              files
                  .filter(f -> f.getFileName().toString().startsWith("zookeeper.configuration"))
                  .filter(
                      f -> {
                        try {
                          return Files.readString(f).contains(data.getFileName().toString());
                        } catch (java.io.IOException e) {
                          return false;
                        }
                      }))
          .as("the embedded ZooKeeper's generated configuration")
          .isEmpty();
    }

    Multipart form =
        Multipart.submit("local", "alice", null, "Embedded", HeronDefinitions.WORD_COUNT);
    HttpResponse<String> submitted =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/topologies"))
                .header("Content-Type", form.contentType())
                .POST(form.publisher())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);

    URI topology = URI.create(base + "/api/v1/topologies/local/alice/devel/Embedded");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .send(
                                HttpRequest.newBuilder(topology).build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body())
                    .contains("\"RUNNING\":3"));
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(topology).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }
}
