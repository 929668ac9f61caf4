package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.heron.proto.ExecutionEnvironment;
import io.heroncp.heron.proto.PackingPlans;
import io.heroncp.heron.proto.Scheduler;
import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Submit, describe, list and kill real Heron topologies end to end: HTTP in, the service's
 * ZooKeeper writes and the Aurora simulator's tasks checked.
 */
class SubmitAndKillTest extends ServiceTest {

  private final CuratorFramework zk = SharedZooKeeper.client();

  static Multipart submitForm(String name, Class<?> main, String role) {
    return new Multipart()
        .field("name", name)
        .field("cluster", "local")
        .field("role", role)
        .field("environment", "devel")
        .file("definition", name + ".defn", HeronDefinitions.definition(main, name))
        .file("topology", "topology.jar", HeronDefinitions.topologyJar(main));
  }

  @Test
  void submitRunsTheTopologyOnAuroraAndKillRemovesEverything() throws Exception {
    HttpResponse<String> submitted =
        post("/api/v1/topologies", submitForm("WordCount1", HeronDefinitions.WORD_COUNT, "alice"));

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(submitted.headers().firstValue("Location"))
        .hasValue("/api/v1/topologies/local/alice/devel/WordCount1");
    JsonNode body = json(submitted);
    assertThat(body.get("name").asString()).isEqualTo("WordCount1");
    assertThat(body.get("cluster").asString()).isEqualTo("local");
    assertThat(body.get("role").asString()).isEqualTo("alice");
    assertThat(body.get("environment").asString()).isEqualTo("devel");
    assertThat(body.get("state").asString()).isEqualTo("STARTING");
    assertThat(body.get("settles_to").asString()).isEqualTo("RUNNING");
    assertThat(body.get("submitter").asString()).isEqualTo("alice");
    assertThat(body.get("id").asString()).startsWith("WordCount1");

    // Heron's nodes exist and decode as Heron's messages.
    TopologyAPI.Topology topology =
        TopologyAPI.Topology.parseFrom(zk.getData().forPath("/heron/topologies/WordCount1"));
    assertThat(topology.getName()).isEqualTo("WordCount1");
    assertThat(topology.getSpoutsList())
        .allSatisfy(s -> assertThat(s.getComp().hasSerializedObject()).isFalse());
    PackingPlans.PackingPlan packing =
        PackingPlans.PackingPlan.parseFrom(zk.getData().forPath("/heron/packingplans/WordCount1"));
    assertThat(packing.getContainerPlansCount()).isEqualTo(2);
    ExecutionEnvironment.ExecutionState execution =
        ExecutionEnvironment.ExecutionState.parseFrom(
            zk.getData().forPath("/heron/executionstate/WordCount1"));
    assertThat(execution.getCluster()).isEqualTo("local");
    assertThat(execution.getRole()).isEqualTo("alice");
    assertThat(execution.getEnviron()).isEqualTo("devel");
    assertThat(execution.getTopologyId()).isEqualTo(topology.getId());
    Scheduler.SchedulerLocation location =
        Scheduler.SchedulerLocation.parseFrom(zk.getData().forPath("/heron/schedulers/WordCount1"));
    assertThat(location.getTopologyName()).isEqualTo("WordCount1");

    // Describe: live Aurora task counts reach RUNNING for containers + 1 instances.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode described = json(get("/api/v1/topologies/local/alice/devel/WordCount1"));
              assertThat(described.at("/aurora/tasks/RUNNING").asInt()).isEqualTo(3);
            });
    HttpResponse<String> described = get("/api/v1/topologies/local/alice/devel/WordCount1");
    assertThat(described.headers().firstValue("ETag")).isPresent();
    JsonNode view = json(described);
    assertThat(view.at("/aurora/job_key").asString()).isEqualTo("local/alice/devel/WordCount1");
    assertThat(view.at("/aurora/instances").asInt()).isEqualTo(3);
    assertThat(view.at("/packing_plan/containers").asInt()).isEqualTo(2);
    assertThat(view.at("/packing_plan/instances").asInt()).isEqualTo(5);
    assertThat(view.at("/package/sha256").asString()).hasSize(64);
    assertThat(view.at("/package/uri").asString()).endsWith("/topology.tar.gz");
    assertThat(view.get("components")).hasSize(3);

    // The package Aurora's agents fetch is served.
    String packagePath = java.net.URI.create(view.at("/package/uri").asString()).getPath();
    HttpResponse<String> fetched = get(packagePath);
    assertThat(fetched.statusCode()).isEqualTo(200);
    HttpResponse<String> head =
        send(
            java.net.http.HttpRequest.newBuilder(uri(packagePath))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("ETag"))
        .hasValue("\"" + view.at("/package/sha256").asString() + "\"");

    // Kill.
    HttpResponse<String> killed = delete("/api/v1/topologies/local/alice/devel/WordCount1");
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    assertThat(json(killed).get("state").asString()).isEqualTo("KILLED");
    assertThat(get("/api/v1/topologies/local/alice/devel/WordCount1").statusCode()).isEqualTo(404);
    for (String dir : List.of("topologies", "packingplans", "executionstate", "schedulers")) {
      assertThat(zk.checkExists().forPath("/heron/" + dir + "/WordCount1")).as(dir).isNull();
    }
  }

  @Test
  void aTopologySubmittedAgainUnderItsOldNameCountsOnlyItsOwnTasks() {
    String path = "/api/v1/topologies/local/alice/devel/Again";
    // First incarnation: 3 stream managers, so Aurora instances 0..3.
    assertThat(
            post(
                    "/api/v1/topologies",
                    submitForm("Again", HeronDefinitions.WORD_COUNT, "alice")
                        .field("topology.stmgrs", "3"))
                .statusCode())
        .isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> json(get(path)).at("/aurora/tasks/RUNNING").asInt() == 4);
    assertThat(delete(path).statusCode()).isEqualTo(200);

    // Second incarnation under the same Aurora job key: 2 stream managers, instances 0..2.
    HttpResponse<String> again =
        post("/api/v1/topologies", submitForm("Again", HeronDefinitions.WORD_COUNT, "alice"));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(json(get(path)).at("/aurora/tasks"))
                    .as("instance 3's KILLED task belongs to the first incarnation")
                    .isEqualTo(JSON.readTree("{\"RUNNING\":3}")));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void clustersSayHowTheSchedulerIsFoundAndWhetherItAnswers() {
    JsonNode clusters = json(get("/api/v1/clusters")).get("clusters");
    JsonNode local = null;
    JsonNode offline = null;
    for (JsonNode cluster : clusters) {
      if (cluster.get("name").asString().equals("local")) {
        local = cluster;
      } else if (cluster.get("name").asString().equals("offline")) {
        offline = cluster;
      }
    }
    assertThat(local.at("/scheduler/discovery").asString())
        .startsWith("zookeeper ")
        .endsWith("/aurora/scheduler");
    assertThat(local.at("/scheduler/reachable").asBoolean()).isTrue();
    assertThat(local.at("/scheduler/endpoint").asString()).startsWith("http://127.0.0.1:");
    assertThat(offline.at("/scheduler/discovery").asString()).contains("http://127.0.0.1:9");
    assertThat(offline.at("/scheduler/reachable").asBoolean()).isFalse();
    assertThat(offline.at("/scheduler/detail").asString()).isNotBlank();
  }

  @Test
  void listFiltersAndPages() {
    for (String name : List.of("ListA", "ListB", "ListC")) {
      assertThat(
              post("/api/v1/topologies", submitForm(name, HeronDefinitions.SINGLE_SPOUT, "lister"))
                  .statusCode())
          .isEqualTo(201);
    }
    for (String name : List.of("ListA", "ListB", "ListC")) {
      awaitState("/api/v1/topologies/local/lister/devel/" + name, "RUNNING");
    }
    JsonNode first = json(get("/api/v1/topologies?role=lister&page_size=2"));
    assertThat(first.get("topologies"))
        .extracting(t -> t.get("name").asString())
        .containsExactly("ListA", "ListB");
    String token = first.get("next_page_token").asString();
    JsonNode second = json(get("/api/v1/topologies?role=lister&page_size=2&page_token=" + token));
    assertThat(second.get("topologies"))
        .extracting(t -> t.get("name").asString())
        .containsExactly("ListC");
    assertThat(second.has("next_page_token")).as("no next page token on the last page").isFalse();
    assertThat(json(get("/api/v1/topologies?role=lister&state=KILLED")).get("topologies"))
        .isEmpty();
    assertThat(
            json(get(
                    "/api/v1/topologies?role=lister&cluster=local&environment=devel&state=running"))
                .get("topologies"))
        .hasSize(3);
    for (String name : List.of("ListA", "ListB", "ListC")) {
      assertThat(delete("/api/v1/topologies/local/lister/devel/" + name).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void twoConcurrentSubmitsOfOneNameYieldOneCreatedAndOneConflict() throws Exception {
    byte[] definition = HeronDefinitions.definition(HeronDefinitions.SINGLE_SPOUT, "Racer");
    byte[] jar = HeronDefinitions.topologyJar(HeronDefinitions.SINGLE_SPOUT);
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (String role : List.of("racer1", "racer2")) {
        Callable<Integer> submit =
            () -> {
              Multipart form =
                  new Multipart()
                      .field("name", "Racer")
                      .field("cluster", "local")
                      .field("role", role)
                      .file("definition", "Racer.defn", definition)
                      .file("topology", "topology.jar", jar);
              start.await();
              return post("/api/v1/topologies", form).statusCode();
            };
        results.add(pool.submit(submit));
      }
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> result : results) {
        codes.add(result.get());
      }
      assertThat(codes).containsExactlyInAnyOrder(201, 409);
    } finally {
      pool.shutdownNow();
    }
    JsonNode listed = json(get("/api/v1/topologies?cluster=local"));
    List<JsonNode> racers = new ArrayList<>();
    listed
        .get("topologies")
        .forEach(
            t -> {
              if (t.get("name").asString().equals("Racer")) {
                racers.add(t);
              }
            });
    assertThat(racers).hasSize(1);
    assertThat(delete("/api/v1/topologies/" + racers.get(0).get("key").asString()).statusCode())
        .isEqualTo(200);
  }
}
