package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two replicas of the service (two application contexts) on one ZooKeeper, racing on one topology.
 */
class TwoReplicasTest extends ServiceTest {

  private ConfigurableApplicationContext replica;
  private int replicaPort;

  @BeforeEach
  void startSecondReplica() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      replicaPort = socket.getLocalPort();
    }
    replica =
        SpringApplication.run(
            HeronControlPlaneApplication.class,
            "--server.port=" + replicaPort,
            "--heroncp.zookeeper.connect-string=" + SharedZooKeeper.connectString(),
            "--heroncp.zookeeper.embedded.enabled=false",
            "--heroncp.simulator.enabled=false",
            "--heroncp.clusters.local.scheduler.zookeeper=" + SharedZooKeeper.connectString(),
            "--heroncp.packages.directory=" + SharedZooKeeper.packageDirectory(),
            "--heroncp.operations.lock-wait=2s");
  }

  @AfterEach
  void stopSecondReplica() {
    replica.close();
  }

  private HttpResponse<String> deactivateOn(int servicePort, String path) {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servicePort + path + "/deactivate"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
  }

  @Test
  void oneReplicasWritesAreSeenByTheOtherAndTheirRaceChangesTheTopologyOnce() throws Exception {
    Multipart form =
        Multipart.submit("local", "twins", null, "Replicated", HeronDefinitions.SINGLE_SPOUT);
    assertThat(post("/api/v1/topologies", form).statusCode()).isEqualTo(201);
    String path = "/api/v1/topologies/local/twins/devel/Replicated";
    URI onReplica = URI.create("http://127.0.0.1:" + replicaPort + path);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> send(HttpRequest.newBuilder(onReplica).build()).statusCode() == 200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                SharedZooKeeper.client().checkExists().forPath("/heron/tmanagers/Replicated")
                    != null);

    CyclicBarrier barrier = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int servicePort : new int[] {port, replicaPort}) {
        results.add(
            pool.submit(
                () -> {
                  barrier.await();
                  return deactivateOn(servicePort, path).statusCode();
                }));
      }
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> result : results) {
        codes.add(result.get());
      }
      assertThat(codes).containsExactlyInAnyOrder(200, 409);
    } finally {
      pool.shutdownNow();
    }
    List<String> verbs = new ArrayList<>();
    json(get(path + "/history"))
        .get("operations")
        .forEach(op -> verbs.add(op.get("verb").asString()));
    assertThat(verbs).containsExactly("DEACTIVATE", "SUBMIT");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                JSON.readTree(send(HttpRequest.newBuilder(onReplica).build()).body())
                    .get("state")
                    .asString()
                    .equals("PAUSED"));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }
}
