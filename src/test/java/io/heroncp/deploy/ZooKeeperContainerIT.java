package io.heroncp.deploy;

import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service against a real ZooKeeper server in a container, and what happens when that ZooKeeper
 * restarts or stops answering: no record is lost, reads keep answering from the cache and say they
 * may be stale, mutations answer 503 with {@code Retry-After}, and the service recovers by itself
 * (same application context throughout).
 *
 * <p>The service runs in this JVM (not as the image, which {@link ContainerImageIT} covers): the
 * scenarios are about its ZooKeeper client, and in-process it can watch the client's connection
 * state (to pause ZooKeeper exactly past the session timeout) without parsing logs. ZooKeeper is
 * the real server ({@code ZooKeeperServerMain}) on the same Java base image as the service image,
 * with the ZooKeeper jars of this test's classpath copied in; host network, port chosen here, bound
 * to 127.0.0.1 only.
 *
 * <p>Skipped ("Docker is not available") without a reachable Docker engine. Base image as in {@link
 * ContainerImageIT} ({@code HERONCP_IT_BASE_IMAGE}).
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperContainerIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String STALE = "110 - \"Response is Stale\"";
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

  /**
   * Classes whose jars make a ZooKeeper server: the server, jute, logging, its metrics and snapshot
   * codecs.
   */
  private static final List<String> SERVER_CLASSES =
      List.of(
          "org.apache.zookeeper.server.ZooKeeperServerMain",
          "org.apache.jute.Record",
          "org.slf4j.Logger",
          "ch.qos.logback.classic.Logger",
          "ch.qos.logback.core.Appender",
          "com.codahale.metrics.Reservoir",
          "org.xerial.snappy.SnappyInputStream",
          "org.apache.commons.io.FileUtils");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static GenericContainer<?> zooKeeper;
  private static int zooKeeperPort;
  private static ConfigurableApplicationContext service;
  private static String base;
  private static CuratorFramework observer;

  @BeforeAll
  static void start() throws Exception {
    String baseImage =
        System.getProperty(
            "heroncp.it.base-image",
            System.getenv().getOrDefault("HERONCP_IT_BASE_IMAGE", "eclipse-temurin:17-jre"));
    // Known up front: the container's configuration names it (host network).
    zooKeeperPort = freePort();
    // tickTime 500 ms: sessions of 1 s to 10 s are allowed. No AdminServer (it would take port 8080
    // of the host).
    String config =
        "tickTime=500\ndataDir=/var/lib/zookeeper\nclientPort="
            + zooKeeperPort
            + "\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n4lw.commands.whitelist=srvr\n";
    String logging =
        "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\"><encoder>"
            + "<pattern>%d %-5level %logger{20} - %msg%n</pattern></encoder></appender>"
            + "<root level=\"INFO\"><appender-ref ref=\"out\"/></root></configuration>";
    zooKeeper =
        new GenericContainer<>(DockerImageName.parse(baseImage))
            .withNetworkMode("host")
            .withCopyToContainer(Transferable.of(config), "/opt/zookeeper/zoo.cfg")
            .withCopyToContainer(Transferable.of(logging), "/opt/zookeeper/logback.xml")
            .withCommand(
                "java",
                "-Xmx128m",
                "-Dlogback.configurationFile=/opt/zookeeper/logback.xml",
                "-cp",
                "/opt/zookeeper/lib/*",
                "org.apache.zookeeper.server.ZooKeeperServerMain",
                "/opt/zookeeper/zoo.cfg")
            .waitingFor(
                Wait.forLogMessage(".*binding to port.*\\n", 1)
                    .withStartupTimeout(Duration.ofMinutes(2)));
    for (Path jar : serverJars()) {
      zooKeeper.withCopyFileToContainer(
          MountableFile.forHostPath(jar), "/opt/zookeeper/lib/" + jar.getFileName());
    }
    zooKeeper.start();
    awaitServing();

    String connect = "127.0.0.1:" + zooKeeperPort;
    // Known up front: the scheduler URL and the core-package-uri name it.
    int simulatorPort = freePort();
    service =
        SpringApplication.run(
            HeronControlPlaneApplication.class,
            "--server.port=0",
            "--heroncp.zookeeper.embedded.enabled=false",
            "--heroncp.zookeeper.connect-string=" + connect,
            "--heroncp.zookeeper.session-timeout=" + SESSION_TIMEOUT.toSeconds() + "s",
            "--heroncp.zookeeper.connection-timeout=2s",
            "--heroncp.zookeeper.operation-timeout=3s",
            // The scheduler at a fixed URL, not found through this ZooKeeper: serverset discovery
            // reads ZooKeeper on
            // every describe, which during an outage waits out the client's retries (about 10 s or
            // more) before
            // it answers; these scenarios are about the service's own records.
            "--heroncp.clusters.local.scheduler.url=http://127.0.0.1:" + simulatorPort,
            "--heroncp.clusters.local.scheduler.zookeeper=",
            "--heroncp.simulator.port=" + simulatorPort,
            "--heroncp.simulator.pending-delay=50ms",
            "--heroncp.simulator.assigned-delay=50ms",
            "--heroncp.simulator.starting-delay=50ms",
            "--heroncp.simulator.killing-delay=50ms",
            "--heroncp.operations.lock-wait=1s",
            "--heroncp.packages.directory=" + Files.createTempDirectory("heroncp-zk-it"));
    base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
    observer = CuratorFrameworkFactory.newClient(connect, 10_000, 2_000, new RetryOneTime(200));
    observer.start();
  }

  @AfterAll
  static void stop() {
    if (observer != null) {
      observer.close();
    }
    if (service != null) {
      service.close();
    }
    if (zooKeeper != null) {
      zooKeeper.stop();
    }
  }

  private static Set<Path> serverJars() throws Exception {
    Set<Path> jars = new LinkedHashSet<>();
    for (String name : SERVER_CLASSES) {
      jars.add(
          Path.of(Class.forName(name).getProtectionDomain().getCodeSource().getLocation().toURI()));
    }
    return jars;
  }

  /** ZooKeeper's {@code srvr} command answers with its mode once it serves requests. */
  private static boolean serving() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", zooKeeperPort), 1000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).contains("Mode: standalone");
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitServing() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(ZooKeeperContainerIT::serving);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)));
  }

  private static HttpResponse<String> delete(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private static HttpResponse<String> submit(String name) throws Exception {
    Multipart form = Multipart.submit("local", "alice", "devel", name, HeronDefinitions.WORD_COUNT);
    return send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/topologies"))
            .header("Content-Type", form.contentType())
            .POST(form.publisher()));
  }

  private static String path(String name) {
    return "/api/v1/topologies/local/alice/devel/" + name;
  }

  private static void submitAndAwaitRunning(String name) throws Exception {
    HttpResponse<String> submitted = submit(name);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode described = JSON.readTree(get(path(name)).body());
              assertThat(described.at("/aurora/tasks/RUNNING").asInt()).isEqualTo(3);
              // RUNNING once the tasks run and the topology manager announced itself.
              assertThat(described.get("state").asString()).isEqualTo("RUNNING");
            });
  }

  /**
   * The service has a ZooKeeper session again (readiness includes ZooKeeper) and reads are fresh.
   */
  private static void awaitRecovered() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
              assertThat(get("/api/v1/topologies").headers().firstValue("Warning")).isEmpty();
            });
  }

  private static void assertStaleButReadable(String name) throws Exception {
    HttpResponse<String> one = get(path(name));
    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
    assertThat(one.headers().firstValue("Warning")).hasValue(STALE);
    JsonNode described = JSON.readTree(one.body());
    assertThat(described.get("stale").asBoolean()).isTrue();
    assertThat(described.get("state").asString()).isEqualTo("RUNNING");
    HttpResponse<String> list = get("/api/v1/topologies");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Warning")).hasValue(STALE);
    JsonNode listed = JSON.readTree(list.body());
    assertThat(listed.get("stale").asBoolean()).isTrue();
    assertThat(listed.get("topologies").findValuesAsString("name")).contains(name);
  }

  private static void assertFreshAndRunning(String name) throws Exception {
    HttpResponse<String> one = get(path(name));
    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
    assertThat(one.headers().firstValue("Warning")).isEmpty();
    JsonNode described = JSON.readTree(one.body());
    assertThat(described.has("stale")).isFalse();
    assertThat(described.get("state").asString()).isEqualTo("RUNNING");
    assertThat(
            JSON.readTree(get("/api/v1/topologies").body())
                .get("topologies")
                .findValuesAsString("name"))
        .contains(name);
    assertThat(observer.checkExists().forPath("/heron/topologies/" + name)).isNotNull();
    assertThat(observer.checkExists().forPath("/heron/packingplans/" + name)).isNotNull();
  }

  private static void kill(String name) throws Exception {
    HttpResponse<String> killed = delete(path(name));
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    assertThat(get(path(name)).statusCode()).isEqualTo(404);
    assertThat(observer.checkExists().forPath("/heron/topologies/" + name)).isNull();
  }

  @Test
  @Order(1)
  void submitsAndKillsARealTopologyWithItsStateInTheContainer() throws Exception {
    submitAndAwaitRunning("ZkContainer");
    assertFreshAndRunning("ZkContainer");
    assertThat(observer.checkExists().forPath("/heron/executionstate/ZkContainer")).isNotNull();

    kill("ZkContainer");
  }

  @Test
  @Order(2)
  void aZooKeeperRestartLosesNoRecordAndTheServiceRecoversByItself() throws Exception {
    submitAndAwaitRunning("Survivor");
    String id = zooKeeper.getContainerId();

    DockerClientFactory.instance().client().stopContainerCmd(id).withTimeout(10).exec();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertStaleButReadable("Survivor"));
    DockerClientFactory.instance().client().startContainerCmd(id).exec();
    awaitServing();
    awaitRecovered();

    assertFreshAndRunning("Survivor");
    submitAndAwaitRunning("AfterRestart");
    assertThat(service.isActive()).isTrue();
    kill("AfterRestart");
    kill("Survivor");
  }

  @Test
  @Order(3)
  void whileZooKeeperIsPausedPastTheSessionTimeoutReadsAreStaleAndMutationsAnswer503()
      throws Exception {
    submitAndAwaitRunning("Paused");
    CuratorFramework client = service.getBean(CuratorFramework.class);
    CountDownLatch lost = new CountDownLatch(1);
    ConnectionStateListener listener =
        (c, state) -> {
          if (state == ConnectionState.LOST) {
            lost.countDown();
          }
        };
    client.getConnectionStateListenable().addListener(listener);
    String id = zooKeeper.getContainerId();
    try {
      DockerClientFactory.instance().client().pauseContainerCmd(id).exec();
      try {
        // LOST: Curator's own verdict that the session timeout passed without a connection.
        assertThat(lost.await(SESSION_TIMEOUT.toSeconds() * 5, TimeUnit.SECONDS)).isTrue();
        assertStaleButReadable("Paused");

        HttpResponse<String> killed = delete(path("Paused"));
        assertThat(killed.statusCode()).as(killed.body()).isEqualTo(503);
        assertThat(killed.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<String> submitted = submit("DuringPause");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(503);
        assertThat(submitted.headers().firstValue("Retry-After")).isPresent();
      } finally {
        DockerClientFactory.instance().client().unpauseContainerCmd(id).exec();
      }
    } finally {
      client.getConnectionStateListenable().removeListener(listener);
    }
    awaitRecovered();

    assertFreshAndRunning("Paused");
    assertThat(get(path("DuringPause")).statusCode()).isEqualTo(404);
    submitAndAwaitRunning("AfterPause");
    assertThat(service.isActive()).isTrue();
    kill("AfterPause");
    kill("Paused");
  }
}
