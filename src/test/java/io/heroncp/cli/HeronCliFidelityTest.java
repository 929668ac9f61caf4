package io.heroncp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.cli.HeronCliWireContractTest.RequestsMultipart;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.simulator.AuroraSimulator;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * What Heron's own CLI sends in server mode, exactly as its Python {@code requests} calls send it
 * (heron.md section 1.4): {@code dry_run=True} and no format on submit, {@code
 * colored_table}/{@code raw} on update dry runs, {@code verbose_gc=True}, {@code
 * environment=default} for a bare cluster, {@code True}/{@code False} values; and the typos a new
 * user makes, refused before anything is written. Tiers and quotas: a cluster without a tier sends
 * none, ServiceTest's {@code tiered} cluster sends {@code preferred}, which the simulator checks
 * against the role's quota.
 */
class HeronCliFidelityTest extends ServiceTest {

  @Autowired AuroraSimulator simulator;

  private static RequestsMultipart heronSubmit(
      String cluster, String role, String environment, String name) {
    return new RequestsMultipart()
        .field("name", name)
        .field("cluster", cluster)
        .field("role", role)
        .field("environment", environment)
        .field("user", "heronuser");
  }

  private static RequestsMultipart withFiles(RequestsMultipart form, String name) {
    return form.file(
            "definition",
            name + ".defn",
            HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, name))
        .file(
            "topology",
            "word-count.jar",
            HeronDefinitions.topologyJar(HeronDefinitions.WORD_COUNT));
  }

  private HttpResponse<String> submit(RequestsMultipart form, String name) {
    return send(withFiles(form, name).post(uri("/api/v1/topologies")));
  }

  private HttpResponse<String> postForm(String path, String form) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  private List<ScheduledTask> tasks(String name) {
    return simulator
        .getTasksStatus(new TaskQuery().setJobName(name))
        .getResult()
        .getScheduleStatusResult()
        .getTasks();
  }

  private void awaitTopologyManager(String root, String name) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                SharedZooKeeper.client().checkExists().forPath(root + "/tmanagers/" + name)
                    != null);
  }

  private static boolean nothingWritten(String root, String name) throws Exception {
    return SharedZooKeeper.client().checkExists().forPath(root + "/topologies/" + name) == null;
  }

  @Test
  void submitDryRunWithoutAFormatAnswersTheTextTableHeronPrints() {
    HttpResponse<String> dryRun =
        submit(
            heronSubmit("local", "heronrole", "devel", "FidelityTable").field("dry_run", "True"),
            "FidelityTable");

    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    JsonNode body = json(dryRun);
    assertThat(body.get("response").isString()).as("response is a string").isTrue();
    assertThat(body.get("response").asString())
        .contains("job:        local/heronrole/devel/FidelityTable")
        .contains("tier:       (none: the scheduler's default tier applies)");
    assertThat(body.get("format").asString()).isEqualTo("table");
    assertThat(body.has("warnings")).isFalse();
  }

  @Test
  void dryRunFalseSubmitsForRealAndAnUnreadableBooleanIsRefused() throws Exception {
    HttpResponse<String> real =
        submit(
            heronSubmit("local", "heronrole", "devel", "FidelityFalse")
                .field("dry_run", "False")
                .field("topology.debug", "True"),
            "FidelityFalse");
    HttpResponse<String> maybe =
        submit(
            heronSubmit("local", "heronrole", "devel", "FidelityMaybe").field("dry_run", "maybe"),
            "FidelityMaybe");

    assertThat(real.statusCode()).as(real.body()).isEqualTo(201);
    JsonNode operation =
        json(get("/api/v1/operations/" + json(real).get("operation_id").asString()));
    assertThat(operation.at("/parameters/topology.debug").asString())
        .as("Python's True is Heron's YAML true")
        .isEqualTo("true");
    assertThat(maybe.statusCode()).isEqualTo(422);
    assertThat(json(maybe).get("field").asString()).isEqualTo("dry_run");
    assertThat(nothingWritten("/heron", "FidelityMaybe")).isTrue();
    assertThat(delete("/api/v1/topologies/local/heronrole/devel/FidelityFalse").statusCode())
        .isEqualTo(200);
  }

  @Test
  void verboseGcTrueReachesTheExecutorCommand() {
    HttpResponse<String> submitted =
        submit(
            heronSubmit("local", "heronrole", "devel", "FidelityGc").field("verbose_gc", "True"),
            "FidelityGc");

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    List<ScheduledTask> tasks = tasks("FidelityGc");
    assertThat(tasks).isNotEmpty();
    assertThat(tasks.get(0).getAssignedTask().getTask().getExecutorConfig().getData())
        .contains("--verbose-gc");
    assertThat(delete("/api/v1/topologies/local/heronrole/devel/FidelityGc").statusCode())
        .isEqualTo(200);
  }

  @Test
  void environmentDefaultLandsInTheClustersDefaultEnvironment() {
    // heron submit local ... (a bare cluster): role=$USER, environment=default.
    HttpResponse<String> submitted =
        submit(heronSubmit("local", "heronrole", "default", "FidelityEnv"), "FidelityEnv");

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(json(submitted).get("environment").asString()).isEqualTo("devel");
    assertThat(submitted.headers().firstValue("Location"))
        .hasValue("/api/v1/topologies/local/heronrole/devel/FidelityEnv");
    assertThat(tasks("FidelityEnv"))
        .allSatisfy(
            task ->
                assertThat(task.getAssignedTask().getTask().getJob().getEnvironment())
                    .isEqualTo("devel"));
    assertThat(delete("/api/v1/topologies/local/heronrole/devel/FidelityEnv").statusCode())
        .isEqualTo(200);
  }

  @Test
  void aFieldThatIsNeitherKnownNorAHeronKeyIs422AndNothingIsWritten() throws Exception {
    HttpResponse<String> dryrun =
        submit(
            heronSubmit("local", "heronrole", "devel", "FidelityTypo").field("dryrun", "true"),
            "FidelityTypo");
    HttpResponse<String> enviroment =
        submit(
            new RequestsMultipart()
                .field("name", "FidelityTypo")
                .field("cluster", "local")
                .field("role", "heronrole")
                .field("enviroment", "prod"),
            "FidelityTypo");

    assertThat(dryrun.statusCode()).as(dryrun.body()).isEqualTo(422);
    JsonNode problem = json(dryrun);
    assertThat(problem.get("type").asString())
        .isEqualTo("urn:heron-controlplane:problem:invalid-field");
    assertThat(problem.get("field").asString()).isEqualTo("dryrun");
    assertThat(problem.get("message").asString()).contains("'dryrun'").contains("'dry_run'");
    assertThat(json(enviroment).get("field").asString()).isEqualTo("enviroment");
    assertThat(json(enviroment).get("message").asString()).contains("'environment'");
    assertThat(nothingWritten("/heron", "FidelityTypo")).isTrue();
    assertThat(tasks("FidelityTypo")).isEmpty();
    assertThat(get("/api/v1/topologies/local/heronrole/devel/FidelityTypo/history").statusCode())
        .as("no operation recorded")
        .isEqualTo(404);
  }

  @Test
  void updateDryRunsAcceptEveryFormatHeronsCliSendsAndRefuseTypos() {
    HttpResponse<String> submitted =
        submit(heronSubmit("local", "heronrole", "devel", "FidelityUpdate"), "FidelityUpdate");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    awaitTopologyManager("/heron", "FidelityUpdate");
    String topology = "/api/v1/topologies/local/heronrole/devel/FidelityUpdate";

    for (String format : List.of("colored_table", "raw", "table")) {
      HttpResponse<String> dryRun =
          postForm(
              topology + "/update",
              "component_parallelism=split%3A3&dry_run=True&dry_run_format=" + format);
      assertThat(dryRun.statusCode()).as(format + ": " + dryRun.body()).isEqualTo(200);
      assertThat(json(dryRun).get("response").asString())
          .as(format)
          .contains("proposed packing plan")
          .doesNotContain("\u001b[");
    }
    HttpResponse<String> asJson =
        postForm(
            topology + "/update",
            "component_parallelism=split%3A3&dry_run=True&dry_run_format=json");
    assertThat(asJson.statusCode()).as(asJson.body()).isEqualTo(200);
    assertThat(json(asJson).at("/response/calls").isArray()).isTrue();
    HttpResponse<String> typo = postForm(topology + "/update", "component_paralelism=split%3A3");
    assertThat(typo.statusCode()).as(typo.body()).isEqualTo(422);
    assertThat(json(typo).get("field").asString()).isEqualTo("component_paralelism");
    assertThat(json(typo).get("message").asString()).contains("'component_parallelism'");
    assertThat(json(get(topology)).at("/components").toString())
        .doesNotContain("\"parallelism\":3");

    assertThat(delete(topology).statusCode()).isEqualTo(200);
  }

  @Test
  void dryRunOfATakenNameWarnsThatTheRealSubmitWouldBeRefused() {
    HttpResponse<String> submitted =
        submit(heronSubmit("local", "heronrole", "devel", "FidelityTaken"), "FidelityTaken");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);

    HttpResponse<String> dryRun =
        submit(
            heronSubmit("local", "otherrole", "devel", "FidelityTaken").field("dry_run", "True"),
            "FidelityTaken");

    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    assertThat(json(dryRun).get("warnings").get(0).asString())
        .contains("already exists")
        .contains("409");
    assertThat(delete("/api/v1/topologies/local/heronrole/devel/FidelityTaken").statusCode())
        .isEqualTo(200);
  }

  @Test
  void prodJobOfAClusterWithoutATierRendersNoTier() {
    HttpResponse<String> dryRun =
        submit(
            heronSubmit("local", "heronrole", "prod", "FidelityProd")
                .field("dry_run", "True")
                .field("dry_run_format", "json"),
            "FidelityProd");

    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    JsonNode task = json(dryRun).at("/response/job_configuration/taskConfig");
    assertThat(task.isObject()).as(dryRun.body()).isTrue();
    assertThat(task.has("tier")).as("TaskConfig.tier").isFalse();
    assertThat(task.at("/executorConfig/data").has("tier")).as("Thermos tier").isFalse();
  }

  @Test
  void configuredProductionTierIsSentAndARoleWithoutQuotaIsRefusedAsQuotaExceeded()
      throws Exception {
    HttpResponse<String> refused =
        submit(heronSubmit("tiered", "unfunded", "prod", "FidelityQuota"), "FidelityQuota");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    JsonNode problem = json(refused);
    assertThat(problem.get("type").asString())
        .isEqualTo("urn:heron-controlplane:problem:quota-exceeded");
    assertThat(problem.get("field").asString()).isEqualTo("role");
    assertThat(problem.get("message").asString())
        .contains("role unfunded")
        .contains("Insufficient resource quota")
        .contains("Asked for: ")
        .contains("instance(s) x (")
        .contains("tier 'preferred'")
        .contains("the Aurora operator must raise role unfunded's quota");
    assertThat(nothingWritten("/heron-tiered", "FidelityQuota")).isTrue();
    assertThat(get("/api/v1/topologies/tiered/unfunded/prod/FidelityQuota").statusCode())
        .isEqualTo(404);

    HttpResponse<String> funded =
        submit(heronSubmit("tiered", "funded", "prod", "FidelityFunded"), "FidelityFunded");
    assertThat(funded.statusCode()).as(funded.body()).isEqualTo(201);
    assertThat(tasks("FidelityFunded"))
        .isNotEmpty()
        .allSatisfy(
            task -> {
              assertThat(task.getAssignedTask().getTask().getTier()).isEqualTo("preferred");
              assertThat(task.getAssignedTask().getTask().isProduction()).isTrue();
            });
    assertThat(delete("/api/v1/topologies/tiered/funded/prod/FidelityFunded").statusCode())
        .isEqualTo(200);
  }
}
