package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.SecuredServiceTest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Authorization by Aurora role on the secured service: own role passes, another role is 403 naming
 * principal, role and verb with nothing written (ZooKeeper, Aurora), admin ({@code *}) acts for
 * others, and the requester is the principal in the history and as the Aurora job's owner.
 */
class RoleGrantsTest extends SecuredServiceTest {

  static Multipart submitForm(String name, String role) {
    return Multipart.submit("local", role, "devel", name, HeronDefinitions.SINGLE_SPOUT);
  }

  private Set<JobConfiguration> jobs(String role) {
    return simulator.getJobs(role).getResult().getGetJobsResult().getConfigs();
  }

  private void assertNothingWritten(String role, String name) throws Exception {
    assertThat(zooKeeper().checkExists().forPath("/heron/topologies/" + name)).isNull();
    assertThat(zooKeeper().checkExists().forPath("/heron/executionstate/" + name)).isNull();
    assertThat(jobs(role)).noneSatisfy(job -> assertThat(job.getKey().getName()).isEqualTo(name));
    assertThat(
            get("/api/v1/topologies/local/" + role + "/devel/" + name + "/history", ADMIN)
                .statusCode())
        .isEqualTo(404);
  }

  private static void assertForbidden(HttpResponse<String> response, String... named) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = json(response);
    assertThat(problem.get("type").asString())
        .isEqualTo("urn:heron-controlplane:problem:forbidden");
    assertThat(problem.get("status").asInt()).isEqualTo(403);
    assertThat(problem.get("message").asString())
        .isEqualTo(problem.get("detail").asString())
        .contains(named);
  }

  @Test
  void aliceSubmitsAsAliceAndIsRecordedAsRequesterAndAuroraJobOwner() throws Exception {
    HttpResponse<String> submitted =
        post("/api/v1/topologies", ALICE, submitForm("SecAlice1", "alice"));

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(json(submitted).get("submitter").asString()).isEqualTo("alice");
    JsonNode history = json(get("/api/v1/topologies/local/alice/devel/SecAlice1/history", ALICE));
    assertThat(history.at("/operations/0/requester").asString()).isEqualTo("alice");
    assertThat(jobs("alice"))
        .filteredOn(job -> job.getKey().getName().equals("SecAlice1"))
        .singleElement()
        .satisfies(job -> assertThat(job.getOwner().getUser()).isEqualTo("alice"));

    HttpResponse<String> killed = delete("/api/v1/topologies/local/alice/devel/SecAlice1", ALICE);
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    assertThat(
            json(get("/api/v1/topologies/local/alice/devel/SecAlice1/history", ALICE))
                .at("/operations")
                .valueStream()
                .map(op -> op.get("requester").asString()))
        .containsOnly("alice");
  }

  @Test
  void aliceCannotSubmitForRoleBobAndNothingIsWritten() throws Exception {
    HttpResponse<String> refused = post("/api/v1/topologies", ALICE, submitForm("SecBob1", "bob"));

    assertForbidden(refused, "alice", "'bob'", "submit");
    assertNothingWritten("bob", "SecBob1");
  }

  @Test
  void aliceCannotSubmitADryRunForRoleBob() throws Exception {
    HttpResponse<String> refused =
        post("/api/v1/topologies", ALICE, submitForm("SecBob2", "bob").field("dry_run", "true"));

    assertForbidden(refused, "alice", "'bob'", "submit");
  }

  @Test
  void aTokenRestrictedToAnotherClusterCannotSubmitEvenForItsRole() throws Exception {
    HttpResponse<String> refused =
        post("/api/v1/topologies", CAROL, submitForm("SecCarol1", "alice"));

    assertForbidden(refused, "carol", "'alice'", "'local'", "nocore");
    assertNothingWritten("alice", "SecCarol1");
  }

  @Test
  void aUserFieldNamingSomeoneElseIsRefusedUnlessTheCallerIsAdmin() throws Exception {
    HttpResponse<String> refused =
        post(
            "/api/v1/topologies",
            ALICE,
            submitForm("SecMallory1", "alice").field("user", "mallory"));

    assertForbidden(refused, "alice", "mallory");
    assertNothingWritten("alice", "SecMallory1");

    HttpResponse<String> ownName =
        post(
            "/api/v1/topologies", ALICE, submitForm("SecOwnName1", "alice").field("user", "alice"));
    assertThat(ownName.statusCode()).as(ownName.body()).isEqualTo(201);
    assertThat(delete("/api/v1/topologies/local/alice/devel/SecOwnName1", ALICE).statusCode())
        .isEqualTo(200);
  }

  @Test
  void adminActsForBobAndAliceCannotKillBobsTopology() throws Exception {
    HttpResponse<String> submitted =
        post("/api/v1/topologies", ADMIN, submitForm("SecBob3", "bob").field("user", "bob"));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(json(submitted).get("submitter").asString()).isEqualTo("bob");
    assertThat(jobs("bob"))
        .filteredOn(job -> job.getKey().getName().equals("SecBob3"))
        .singleElement()
        .satisfies(job -> assertThat(job.getOwner().getUser()).isEqualTo("bob"));
    JsonNode history = json(get("/api/v1/topologies/local/bob/devel/SecBob3/history", BOB));
    assertThat(history.at("/operations/0/requester").asString()).isEqualTo("ops");

    String path = "/api/v1/topologies/local/bob/devel/SecBob3";
    assertForbidden(delete(path, ALICE), "alice", "'bob'", "kill");
    for (String verb : new String[] {"activate", "deactivate", "restart", "update"}) {
      assertForbidden(post(path + "/" + verb, ALICE), "alice", "'bob'", verb);
    }
    assertForbidden(
        post(path + "/update?dry_run=true&component_parallelism=spout:2", ALICE),
        "alice",
        "update");
    // Nothing of the refused verbs was recorded; the topology still runs as bob's.
    assertThat(json(get(path + "/history", BOB)).at("/operations").size()).isEqualTo(1);
    assertThat(jobs("bob"))
        .anySatisfy(job -> assertThat(job.getKey().getName()).isEqualTo("SecBob3"));

    HttpResponse<String> killed = delete(path, BOB);
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    assertThat(json(get(path + "/history", BOB)).at("/operations/0/requester").asString())
        .isEqualTo("bob");
  }

  @Test
  void readsNeedCredentialsButNoRole() {
    assertThat(get("/api/v1/topologies", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/topologies", BOB).statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/clusters", BOB).statusCode()).isEqualTo(200);
  }

  @Test
  void preflightNeedsAdmin() {
    assertForbidden(post("/api/v1/clusters/local/preflight", ALICE), "alice");
    HttpResponse<String> admin = post("/api/v1/clusters/local/preflight", ADMIN);
    assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
  }
}
