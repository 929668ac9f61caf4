package io.heroncp.tmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.heroncp.heron.HeronPaths;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronTopologyState;
import io.heroncp.heron.TManagerLocation;
import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TManager client against a real ZooKeeper holding Heron's nodes and a JDK HTTP server standing
 * in for the TManager's controller port.
 */
class HeronTopologyManagerClientTest {

  private static final String ROOT = "/heron";
  private static final String NAME = "WordCount";
  private static final String ID = "WordCount-4f1c2a9e";
  private static final HeronPaths PATHS = new HeronPaths(ROOT);

  private TestingServer zooKeeper;
  private CuratorFramework curator;
  private HttpServer controller;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String answer = "";
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;
  private HeronTopologyManagerClient client;

  @BeforeEach
  void start() throws Exception {
    zooKeeper = new TestingServer(true);
    curator =
        CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(), new RetryOneTime(100));
    curator.start();
    controller = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    controller.createContext(
        "/",
        exchange -> {
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getRawPath()
                  + "?"
                  + exchange.getRequestURI().getRawQuery());
          if (hang) {
            awaitRelease();
          }
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    controller.start();
    client = new HeronTopologyManagerClient(curator, Duration.ofMillis(500));
  }

  private void awaitRelease() {
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterEach
  void stop() throws IOException {
    release.countDown();
    controller.stop(0);
    curator.close();
    zooKeeper.close();
  }

  private void writeLocation(int controllerPort) throws Exception {
    curator
        .create()
        .creatingParentsIfNeeded()
        .forPath(
            PATHS.tmanagerLocation(NAME),
            HeronStateCodec.encodeTManagerLocation(
                new TManagerLocation(NAME, ID, "127.0.0.1", controllerPort, 0, 0)));
  }

  private void writePhysicalPlan(HeronTopologyState state) throws Exception {
    byte[] topology =
        TopologyAPI.Topology.newBuilder()
            .setId(ID)
            .setName(NAME)
            .setState(TopologyAPI.TopologyState.RUNNING)
            .build()
            .toByteArray();
    curator
        .create()
        .creatingParentsIfNeeded()
        .forPath(PATHS.physicalPlan(NAME), HeronStateCodec.encodePhysicalPlan(topology, state));
  }

  private void runningTopology() throws Exception {
    writeLocation(controller.getAddress().getPort());
    writePhysicalPlan(HeronTopologyState.RUNNING);
  }

  @Test
  void activateAndDeactivateSendHeronsRequests() throws Exception {
    runningTopology();

    client.deactivate(ROOT, NAME, ID);
    client.activate(ROOT, NAME, ID);

    assertThat(requests)
        .containsExactly(
            "GET /deactivate?topologyid=WordCount-4f1c2a9e",
            "GET /activate?topologyid=WordCount-4f1c2a9e");
  }

  @Test
  void runtimeConfigUpdateRepeatsTheParameterUrlEncoded() throws Exception {
    runningTopology();

    client.updateRuntimeConfig(ROOT, NAME, ID, List.of("word:rate:10", "topology.debug:a b&c"));

    assertThat(requests)
        .containsExactly(
            "GET /runtime_config/update?topologyid=WordCount-4f1c2a9e"
                + "&runtime-config=word%3Arate%3A10&runtime-config=topology.debug%3Aa+b%26c");
    assertThatThrownBy(() -> client.updateRuntimeConfig(ROOT, NAME, ID, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void runtimeStateComesFromThePhysicalPlan() throws Exception {
    assertThat(client.runtimeState(ROOT, NAME)).isNull();

    writePhysicalPlan(HeronTopologyState.PAUSED);

    assertThat(client.runtimeState(ROOT, NAME)).isEqualTo("PAUSED");
  }

  @Test
  void noLocationMeansTheTopologyManagerHasNotStarted() throws Exception {
    writePhysicalPlan(HeronTopologyState.RUNNING);

    assertThatThrownBy(() -> client.activate(ROOT, NAME, ID))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessage(
            "The topology manager of WordCount has not started yet (no tmanagers/WordCount in ZooKeeper);"
                + " retry when the topology is running");
    assertThat(requests).isEmpty();
  }

  @Test
  void noPhysicalPlanMeansTheTopologyManagerHasNotStarted() throws Exception {
    writeLocation(controller.getAddress().getPort());

    assertThatThrownBy(() -> client.deactivate(ROOT, NAME, ID))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("has not started yet (no pplans/WordCount in ZooKeeper)");
    assertThat(requests).isEmpty();
  }

  @Test
  void aRefusalIsAConflictCarryingTheTopologyManagersAnswer() throws Exception {
    runningTopology();
    status = 400;
    answer = "Topology id does not match";

    assertThatThrownBy(() -> client.activate(ROOT, NAME, "other-id"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("Topology id does not match");
    assertThat(requests).containsExactly("GET /activate?topologyid=other-id");
  }

  @Test
  void aServerErrorIsADependencyFailure() throws Exception {
    runningTopology();
    status = 500;
    answer = "Failed to persist the physical plan";

    assertThatThrownBy(() -> client.deactivate(ROOT, NAME, ID))
        .isInstanceOf(DependencyFailedException.class)
        .isNotInstanceOf(ConflictException.class)
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("Failed to persist");
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    writeLocation(closedPort);
    writePhysicalPlan(HeronTopologyState.RUNNING);

    assertThatThrownBy(() -> client.activate(ROOT, NAME, ID))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("cannot connect to the topology manager of WordCount");
  }

  @Test
  void noAnswerInTimeIsATimeout() throws Exception {
    runningTopology();
    hang = true;

    assertThatThrownBy(() -> client.activate(ROOT, NAME, ID))
        .isInstanceOf(DependencyTimeoutException.class)
        .hasMessageContaining("did not answer activate within PT0.5S");
  }

  @Test
  void clearLocationDeletesTheNodeAndIsIdempotent() throws Exception {
    runningTopology();

    client.clearLocation(ROOT, NAME);
    client.clearLocation(ROOT, NAME);

    assertThat(curator.checkExists().forPath(PATHS.tmanagerLocation(NAME))).isNull();
    assertThat(curator.checkExists().forPath(PATHS.physicalPlan(NAME))).isNotNull();
  }
}
