package io.heroncp.deploy;

import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service with a ZooKeeper digest and Aurora BASIC credentials configured, its own logs
 * at DEBUG: the secrets appear in no log line and no response, in plain and in structured (ECS
 * JSON) logging. Uses a ZooKeeper of its own, because the digest ACLs would lock the shared test
 * ZooKeeper's nodes for the other tests. Also the startup log of the embedded default: one summary
 * of where everything is, no ZooKeeper environment dumps.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoggingTest {

  private static final String ZOOKEEPER_PASSWORD = "zk-digest-s3cr3t-4711";
  private static final String AURORA_PASSWORD = "aurora-s3cr3t-0815";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http = HttpClient.newHttpClient();
  private TestingServer zooKeeper;
  private ConfigurableApplicationContext context;

  @TempDir Path data;

  @BeforeEach
  void startZooKeeper() throws Exception {
    zooKeeper = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    if (context != null) {
      context.close();
    }
    zooKeeper.close();
    // Spring Boot keeps the console format as a system property, which would outlive the ECS test's
    // application.
    System.clearProperty(
        LoggingSystemProperty.CONSOLE_STRUCTURED_FORMAT.getEnvironmentVariableName());
  }

  private List<String> secrets() {
    return List.of(
        ZOOKEEPER_PASSWORD,
        AURORA_PASSWORD,
        // What an HTTP client would send in the Authorization header.
        Base64.getEncoder()
            .encodeToString(("heroncp:" + AURORA_PASSWORD).getBytes(StandardCharsets.UTF_8)));
  }

  private String start(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--logging.level.io.heroncp=DEBUG",
                "--heroncp.zookeeper.embedded.enabled=false",
                "--heroncp.zookeeper.connect-string=" + zooKeeper.getConnectString(),
                "--heroncp.zookeeper.root=/logging-test",
                "--heroncp.zookeeper.digest=heroncp:" + ZOOKEEPER_PASSWORD,
                "--heroncp.clusters.local.scheduler.zookeeper=" + zooKeeper.getConnectString(),
                "--heroncp.clusters.local.scheduler.username=heroncp",
                "--heroncp.clusters.local.scheduler.password=" + AURORA_PASSWORD,
                // Known up front: the local cluster's core-package-uri (fetched by tasks and
                // preflight) names it.
                "--heroncp.simulator.port=" + freePort(),
                "--heroncp.simulator.username=heroncp",
                "--heroncp.simulator.password=" + AURORA_PASSWORD,
                "--heroncp.simulator.pending-delay=50ms",
                "--heroncp.simulator.assigned-delay=50ms",
                "--heroncp.simulator.starting-delay=50ms",
                "--heroncp.simulator.killing-delay=50ms",
                "--heroncp.packages.directory=" + data.resolve("packages")));
    args.addAll(List.of(extra));
    context =
        SpringApplication.run(HeronControlPlaneApplication.class, args.toArray(String[]::new));
    return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  /**
   * Everything that touches the credentials: submit (createJob with BASIC auth), describe,
   * clusters, health, kill.
   */
  private List<String> exercise(String base) throws Exception {
    List<String> bodies = new ArrayList<>();
    Multipart form =
        Multipart.submit("local", "alice", "devel", "Secretive", HeronDefinitions.WORD_COUNT);
    HttpResponse<String> submitted =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/topologies"))
                .header("Content-Type", form.contentType())
                .POST(form.publisher())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    bodies.add(submitted.body());
    for (String path :
        List.of(
            "/api/v1/topologies/local/alice/devel/Secretive",
            "/api/v1/clusters",
            "/actuator/health",
            "/actuator/prometheus")) {
      bodies.add(
          http.send(
                  HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    }
    bodies.add(
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/clusters/local/preflight"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
    HttpResponse<String> killed =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/api/v1/topologies/local/alice/devel/Secretive"))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    bodies.add(killed.body());
    return bodies;
  }

  @Test
  void secretsAppearInNoLogLineAndNoResponse(CapturedOutput output) throws Exception {
    List<String> bodies = exercise(start());
    context.close();
    context = null;

    // The test is only meaningful if the service logged its work, at DEBUG, with the credentials in
    // use.
    assertThat(output.getOut())
        .contains("Connected to ZooKeeper at", "created Aurora job local/alice/devel/Secretive");
    for (String secret : secrets()) {
      assertThat(output.getAll()).doesNotContain(secret);
      assertThat(bodies).noneMatch(body -> body.contains(secret));
    }
  }

  @Test
  void oneSettingTurnsTheConsoleIntoEcsJsonLinesWithoutSecrets(CapturedOutput output)
      throws Exception {
    exercise(start("--logging.structured.format.console=ecs"));
    context.close();
    context = null;

    List<JsonNode> events = new ArrayList<>();
    for (String line : output.getOut().split("\\R")) {
      if (line.startsWith("{")) {
        events.add(JSON.readTree(line));
      }
    }
    assertThat(events)
        .anySatisfy(
            event -> {
              assertThat(event.path("message").asString()).startsWith("Connected to ZooKeeper at");
              assertThat(event.at("/log/level").asString()).isEqualTo("INFO");
              assertThat(event.at("/log/logger").asString())
                  .isEqualTo("io.heroncp.zookeeper.ZooKeeperConfiguration");
              assertThat(event.has("@timestamp")).isTrue();
            });
    assertThat(events)
        .anySatisfy(
            event ->
                assertThat(event.path("message").asString())
                    .contains("created Aurora job local/alice/devel/Secretive"));
    for (String secret : secrets()) {
      assertThat(output.getAll()).doesNotContain(secret);
    }
  }

  @Test
  void embeddedDefaultStartsWithOneSummaryAndWithoutZooKeeperDumps(CapturedOutput output)
      throws Exception {
    // Only this run's lines: the TestingServer of @BeforeEach logged before.
    int from = output.getOut().length();
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
            "--heroncp.simulator.port=" + freePort(),
            "--heroncp.packages.directory=" + data.resolve("packages"));
    String port = context.getEnvironment().getProperty("local.server.port");
    String startup = output.getOut().substring(from);

    assertThat(
            Pattern.compile("io\\.heroncp\\.StartupSummary +: .* is ready")
                .matcher(startup)
                .results()
                .count())
        .as(startup)
        .isEqualTo(1);
    String summary = startup.substring(startup.indexOf("io.heroncp.StartupSummary"));
    assertThat(summary)
        .containsPattern("REST API +http://127\\.0\\.0\\.1:" + port + "/api/v1\\R")
        .containsPattern("Health +http://127\\.0\\.0\\.1:" + port + "/actuator/health\\R")
        .containsPattern("Prometheus +http://127\\.0\\.0\\.1:" + port + "/actuator/prometheus\\R")
        .containsPattern("Security +off: open to every caller, loopback only \\(127\\.0\\.0\\.1\\)")
        .containsPattern(
            "ZooKeeper +127\\.0\\.0\\.1:"
                + zk
                + " \\(embedded, data in "
                + Pattern.quote(data.resolve("zookeeper").toAbsolutePath().normalize().toString())
                + "\\)")
        .containsPattern(
            "Cluster local +Aurora simulator \\(in this process\\), found by zookeeper 127\\.0\\.0\\.1:"
                + zk
                + "/aurora/scheduler")
        .containsPattern(
            "Packages +"
                + Pattern.quote(data.resolve("packages").toAbsolutePath().normalize().toString())
                + " \\(max upload 256MB\\), URLs unsigned");
    assertThat(startup)
        .doesNotContain("Server environment:", "Client environment:", "|___  /")
        // The open mode's warning stays.
        .contains("Security is off (heroncp.security.enabled=false)");
    // Measured on the embedded default: 145 INFO lines up to "Started" before the quieting, 9 up to
    // the summary after.
    long infoLines =
        startup
                .substring(0, startup.indexOf("io.heroncp.StartupSummary"))
                .lines()
                .filter(line -> line.contains(" INFO "))
                .count()
            + 1;
    assertThat(infoLines).as(startup).isLessThanOrEqualTo(15);
  }
}
