package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every submit error answers problem+json naming the field and the rule, and leaves nothing behind
 * in ZooKeeper, the package store or Aurora.
 */
class SubmitErrorsTest extends ServiceTest {

  private final CuratorFramework zk = SharedZooKeeper.client();

  private Multipart form(
      String name, String cluster, String role, String environment, byte[] definition) {
    Multipart form =
        new Multipart().field("name", name).field("cluster", cluster).field("role", role);
    if (environment != null) {
      form.field("environment", environment);
    }
    return form.file("definition", name + ".defn", definition)
        .file(
            "topology",
            "topology.jar",
            HeronDefinitions.topologyJar(HeronDefinitions.SINGLE_SPOUT));
  }

  private byte[] definition(String name) {
    return HeronDefinitions.definition(HeronDefinitions.SINGLE_SPOUT, name);
  }

  private JsonNode problem(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode body = json(response);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("message").asString())
        .isEqualTo(body.get("detail").asString())
        .isNotBlank();
    assertThat(body.get("type").asString()).startsWith("urn:heron-controlplane:problem:");
    return body;
  }

  private void assertNothingWritten(String name) throws Exception {
    for (String dir : new String[] {"topologies", "packingplans", "executionstate", "schedulers"}) {
      assertThat(zk.checkExists().forPath("/heron/" + dir + "/" + name)).as(dir).isNull();
    }
    assertThat(zk.checkExists().forPath("/heron-controlplane/topologies/local/" + name)).isNull();
    assertThat(json(get("/api/v1/topologies?cluster=local")).get("topologies"))
        .noneMatch(t -> t.get("name").asString().equals(name));
  }

  private long storedPackages() throws Exception {
    try (Stream<Path> files = Files.walk(SharedZooKeeper.packageDirectory())) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void dryRunRendersPackingPlanAndJobAndWritesNothing() throws Exception {
    long packagesBefore = storedPackages();
    HttpResponse<String> response =
        post(
            "/api/v1/topologies",
            form("DryRunOne", "local", "alice", "devel", definition("DryRunOne"))
                .field("dry_run", "True")
                .field("dry_run_format", "json"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("name").asString()).isEqualTo("DryRunOne");
    assertThat(body.at("/response/packing_plan")).isNotEmpty();
    assertThat(body.at("/response/job_configuration").isObject()).isTrue();
    assertThat(response.body()).contains("AuroraExecutor");
    assertNothingWritten("DryRunOne");
    assertThat(storedPackages()).isEqualTo(packagesBefore);

    HttpResponse<String> table =
        post(
            "/api/v1/topologies",
            form("DryRunOne", "local", "alice", "devel", definition("DryRunOne"))
                .field("dry_run", "True")
                .field("dry_run_format", "table"));
    assertThat(table.statusCode()).isEqualTo(200);
    assertThat(json(table).get("response").asString()).contains("component").contains("sentence");
  }

  @Test
  void duplicateNameInClusterIsConflictAndLeavesTheFirstUntouched() throws Exception {
    assertThat(
            post("/api/v1/topologies", form("Dup", "local", "alice", "devel", definition("Dup")))
                .statusCode())
        .isEqualTo(201);
    byte[] firstTopologyNode = zk.getData().forPath("/heron/topologies/Dup");

    JsonNode body =
        problem(
            post("/api/v1/topologies", form("Dup", "local", "bob", "devel", definition("Dup"))),
            409);

    assertThat(body.get("detail").asString()).contains("already exists");
    assertThat(zk.getData().forPath("/heron/topologies/Dup")).isEqualTo(firstTopologyNode);
    assertThat(json(get("/api/v1/topologies/local/alice/devel/Dup")).get("state").asString())
        .isIn("STARTING", "RUNNING");
    assertThat(delete("/api/v1/topologies/local/alice/devel/Dup").statusCode()).isEqualTo(200);
  }

  @Test
  void garbageDefinitionIsMalformed() throws Exception {
    JsonNode body =
        problem(
            post(
                "/api/v1/topologies",
                form("Garbage", "local", "alice", "devel", "this is not a protobuf".getBytes())),
            400);
    assertThat(body.get("field").asString()).isEqualTo("definition");
    assertNothingWritten("Garbage");
  }

  @Test
  void unparseableMultipartIsMalformed() {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/api/v1/topologies"))
                .header("Content-Type", "multipart/form-data; boundary=nothing-like-the-body")
                .POST(HttpRequest.BodyPublishers.ofString("garbage"))
                .build());
    problem(response, 400);
  }

  @Test
  void invalidIdentifiersAreRejectedNamingTheField() throws Exception {
    assertThat(
            problem(
                    post(
                        "/api/v1/topologies",
                        form("Bad", "local", "al ice", "devel", definition("Bad"))),
                    422)
                .get("field")
                .asString())
        .isEqualTo("role");
    assertThat(
            problem(
                    post(
                        "/api/v1/topologies",
                        form("Bad", "local", "..", "devel", definition("Bad"))),
                    422)
                .get("field")
                .asString())
        .isEqualTo("role");
    assertThat(
            problem(
                    post(
                        "/api/v1/topologies",
                        form("Bad", "local", "alice", "../etc", definition("Bad"))),
                    422)
                .get("field")
                .asString())
        .isEqualTo("environment");
    assertNothingWritten("Bad");
  }

  @Test
  void environmentOutsideTheClusterPatternIsRejected() throws Exception {
    JsonNode body =
        problem(
            post(
                "/api/v1/topologies",
                form("EnvDefault", "local", "alice", "qa", definition("EnvDefault"))),
            422);
    assertThat(body.get("field").asString()).isEqualTo("environment");
    assertThat(body.get("detail").asString()).contains("prod|devel|test|staging");
    assertNothingWritten("EnvDefault");
  }

  @Test
  void unknownClusterIsRejected() throws Exception {
    JsonNode body =
        problem(
            post(
                "/api/v1/topologies",
                form("NoCluster", "atlantis", "alice", "devel", definition("NoCluster"))),
            422);
    assertThat(body.get("field").asString()).isEqualTo("cluster");
    assertThat(body.get("detail").asString()).contains("atlantis").contains("local");
  }

  @Test
  void nameDifferentFromTheDefinitionIsRejected() throws Exception {
    JsonNode body =
        problem(
            post(
                "/api/v1/topologies",
                form("Other", "local", "alice", "devel", definition("Mismatch"))),
            422);
    assertThat(body.get("field").asString()).isEqualTo("name");
    assertThat(body.get("detail").asString()).contains("Mismatch");
    assertNothingWritten("Other");
    assertNothingWritten("Mismatch");
  }

  @Test
  void missingFieldsAreListedAsHeronApiserverLists() {
    Multipart form = new Multipart().field("cluster", "local");
    JsonNode body = problem(post("/api/v1/topologies", form), 422);
    assertThat(body.at("/errors/missing_parameters"))
        .extracting(JsonNode::asString)
        .containsExactly("name", "role", "definition", "topology");
  }

  @Test
  void topologyFileOverTheLimitIsTooLargeAndNothingIsStored() throws Exception {
    long packagesBefore = storedPackages();
    Multipart form =
        new Multipart()
            .field("name", "Huge")
            .field("cluster", "local")
            .field("role", "alice")
            .file("definition", "Huge.defn", definition("Huge"))
            .file("topology", "huge.jar", zipHeaderThenZeros(5 * 1024 * 1024));
    JsonNode body = problem(post("/api/v1/topologies", form), 413);
    assertThat(body.get("field").asString()).isEqualTo("topology");
    assertNothingWritten("Huge");
    assertThat(storedPackages()).isEqualTo(packagesBefore);
  }

  @Test
  void auroraRefusingTheJobRollsBackZooKeeperAndThePackage() throws Exception {
    long packagesBefore = storedPackages();
    // The cluster allows staging environments, its (simulated) scheduler does not: Aurora refuses
    // the job.
    JsonNode body =
        problem(
            post(
                "/api/v1/topologies",
                form("Refused", "local", "alice", "staging1", definition("Refused"))),
            422);
    assertThat(body.get("detail").asString()).contains("staging1");
    assertNothingWritten("Refused");
    assertThat(storedPackages()).isEqualTo(packagesBefore);
  }

  @Test
  void unreachableSchedulerIsUnavailableAndNothingIsLeft() throws Exception {
    long packagesBefore = storedPackages();
    HttpResponse<String> response =
        post(
            "/api/v1/topologies",
            form("Offline", "offline", "alice", "devel", definition("Offline")));
    problem(response, 503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(zk.checkExists().forPath("/heron-controlplane/topologies/offline/Offline")).isNull();
    assertThat(zk.checkExists().forPath("/heron-offline/topologies/Offline")).isNull();
    assertThat(storedPackages()).isEqualTo(packagesBefore);
  }

  @Test
  void unknownTopologyIsNotFound() {
    problem(get("/api/v1/topologies/local/alice/devel/Nothing"), 404);
    problem(delete("/api/v1/topologies/local/alice/devel/Nothing"), 404);
  }

  /** A jar by its first bytes (the service checks that a .jar is a zip), then padding. */
  private static byte[] zipHeaderThenZeros(int size) {
    byte[] bytes = new byte[size];
    bytes[0] = 'P';
    bytes[1] = 'K';
    bytes[2] = 3;
    bytes[3] = 4;
    return bytes;
  }
}
