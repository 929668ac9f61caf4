package io.heroncp.deploy;

import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.model.HealthCheck;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container image end to end: built from docker/Dockerfile and the packaged jar (so it runs in
 * {@code ./mvnw verify}, after {@code package}), started with a read-only root file system, its
 * health check and a real topology's submit, describe and kill against the embedded default inside
 * the container.
 *
 * <p>Skipped ("Docker is not available") when no Docker engine is reachable. Every port is chosen
 * here and the container uses the host network, so all traffic stays on 127.0.0.1. The base image
 * is {@code -Dheroncp.it.base-image} or {@code HERONCP_IT_BASE_IMAGE} (default {@code
 * eclipse-temurin:17-jre}); without a registry, make one as docker/README.md says and set {@code
 * TESTCONTAINERS_RYUK_DISABLED=true}, {@code TESTCONTAINERS_CHECKS_DISABLE=true}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerImageIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static GenericContainer<?> service;
  private static int port;

  @BeforeAll
  static void buildAndStart() throws IOException {
    String baseImage =
        System.getProperty(
            "heroncp.it.base-image",
            System.getenv().getOrDefault("HERONCP_IT_BASE_IMAGE", "eclipse-temurin:17-jre"));
    Path jar;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      jar =
          files
              .filter(f -> f.getFileName().toString().matches("heron-controlplane-.*\\.jar"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no jar in target/: run ./mvnw package (verify does) first"));
    }
    ImageFromDockerfile image =
        new ImageFromDockerfile("heron-controlplane-it", false)
            .withFileFromPath("docker/Dockerfile", Path.of("docker/Dockerfile"))
            .withFileFromPath("docker/README.md", Path.of("docker/README.md"))
            .withFileFromPath("target/" + jar.getFileName(), jar)
            .withDockerfilePath("docker/Dockerfile")
            .withBuildArg("BASE_IMAGE", baseImage)
            .withBuildImageCmdModifier(build -> build.withNetworkMode("host"));
    // Known up front: the container (host network) is configured with them and reports no bound
    // port.
    port = freePort();
    int zooKeeper = freePort();
    service =
        new GenericContainer<>(image)
            .withNetworkMode("host")
            .withCreateContainerCmdModifier(
                create -> {
                  create.getHostConfig().withReadonlyRootfs(true).withTmpFs(Map.of("/tmp", "rw"));
                  // The image's HEALTHCHECK command, checked every 2 s instead of 30 s so the test
                  // need not wait; Docker
                  // takes the command and the rest from the image.
                  create.withHealthcheck(
                      new HealthCheck().withInterval(TimeUnit.SECONDS.toNanos(2)));
                })
            .withEnv("SERVER_PORT", Integer.toString(port))
            .withEnv("HERONCP_ZOOKEEPER_EMBEDDED_PORT", Integer.toString(zooKeeper))
            .withEnv("HERONCP_ZOOKEEPER_CONNECTSTRING", "127.0.0.1:" + zooKeeper)
            .withEnv("HERONCP_CLUSTERS_LOCAL_SCHEDULER_ZOOKEEPER", "127.0.0.1:" + zooKeeper)
            .withEnv("HERONCP_SIMULATOR_PORT", Integer.toString(freePort()))
            .withEnv("HERONCP_SIMULATOR_PENDINGDELAY", "100ms")
            .withEnv("HERONCP_SIMULATOR_ASSIGNEDDELAY", "100ms")
            .withEnv("HERONCP_SIMULATOR_STARTINGDELAY", "100ms")
            .withEnv("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
            .waitingFor(
                Wait.forLogMessage(".*Started HeronControlPlaneApplication.*\\n", 1)
                    .withStartupTimeout(Duration.ofMinutes(3)));
    service.start();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.stop();
    }
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Test
  void runsAsTheNonRootUserAndItsHealthCheckPasses() throws Exception {
    Container.ExecResult id = service.execInContainer("id", "-u");
    assertThat(id.getStdout().strip()).isEqualTo("10001");

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        send(HttpRequest.newBuilder(uri("/actuator/health/readiness")))
                            .statusCode())
                    .isEqualTo(200));
    // Docker itself reports the container healthy, by the image's HEALTHCHECK command.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              HealthState health = service.getCurrentContainerInfo().getState().getHealth();
              assertThat(health).isNotNull();
              assertThat(health.getStatus())
                  .as(String.valueOf(health.getLog()))
                  .isEqualTo("healthy");
            });
    assertThat(service.getCurrentContainerInfo().getConfig().getHealthcheck().getTest())
        .contains("io.heroncp.health.ContainerHealthCheck");
    assertThat(service.getLogs()).contains("\"message\":\"Started HeronControlPlaneApplication");
  }

  @Test
  void submitsDescribesAndKillsARealTopology() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        send(HttpRequest.newBuilder(uri("/actuator/health/readiness")))
                            .statusCode())
                    .isEqualTo(200));
    // The local cluster's preflight passes inside the image too (the simulator serves its core
    // package).
    HttpResponse<String> preflight =
        send(
            HttpRequest.newBuilder(uri("/api/v1/clusters/local/preflight"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(JSON.readTree(preflight.body()).get("ok").asBoolean()).as(preflight.body()).isTrue();
    Multipart form =
        Multipart.submit("local", "alice", "devel", "ImageCount", HeronDefinitions.WORD_COUNT);

    HttpResponse<String> submitted =
        send(
            HttpRequest.newBuilder(uri("/api/v1/topologies"))
                .header("Content-Type", form.contentType())
                .POST(form.publisher()));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode described =
                  JSON.readTree(
                      send(HttpRequest.newBuilder(
                              uri("/api/v1/topologies/local/alice/devel/ImageCount")))
                          .body());
              assertThat(described.at("/aurora/tasks/RUNNING").asInt()).isEqualTo(3);
            });
    HttpResponse<String> killed =
        send(
            HttpRequest.newBuilder(uri("/api/v1/topologies/local/alice/devel/ImageCount"))
                .DELETE());
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
  }
}
