package io.heroncp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.cli.HeronCli.Result;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real heron-cli script against the whole service: submit runs the example topology's main in a
 * JVM with HERON_OPTIONS, uploads the .defn it wrote, and every result is checked through the
 * service's HTTP API.
 */
class HeronCliTest extends ServiceTest {

  static final String MAIN_CLASS = HeronDefinitions.WORD_COUNT.getName();

  @TempDir static Path dir;
  static Path jar;

  private HeronCli cli;

  @BeforeAll
  static void writeTopologyJar() {
    jar =
        HeronDefinitions.writeTopologyJar(
            HeronDefinitions.WORD_COUNT, dir.resolve("word-count.jar"));
  }

  @BeforeEach
  void pointAtService() {
    cli =
        HeronCli.against("http://127.0.0.1:" + port)
            .withEnv("HERON_CLI_CLASSPATH", HeronCli.heronApiJar());
  }

  private Result submit(String... flagsAndTarget) {
    String[] args = new String[flagsAndTarget.length + 1];
    args[0] = "submit";
    System.arraycopy(flagsAndTarget, 0, args, 1, flagsAndTarget.length);
    return cli.run(args);
  }

  @Test
  void describeShowsWhyTasksFailWhenTheCorePackageCannotBeFetched() {
    Result submitted =
        cli.run("submit", "nocore/alice/devel", jar.toString(), MAIN_CLASS, "CliNoCore");
    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(cli.run("describe", "nocore/alice/devel", "CliNoCore").stdout())
                    .contains("Last failure:"));
    String described = cli.run("describe", "nocore/alice/devel", "CliNoCore").stdout();
    assertThat(described)
        .containsPattern(
            "Last failure:     FAILED instance [0-2] at \\S+Z: Process fetch_heron_system"
                + " failed: tar zxf heron-core.tar.gz: gzip: stdin: not in gzip format \\(http://127.0.0.1:\\d+/packages/"
                + "no-such-core.tar.gz is not a .tar.gz\\) \\(\\S+ answered HTTP 404\\)\n");
    assertThat(cli.run("kill", "nocore/alice/devel", "CliNoCore").exitCode()).isZero();
  }

  @Test
  void submitRunsTheTopologyMainUploadsItsDefinitionAndKillRemovesIt() {
    Result submitted =
        cli.run("submit", "local/alice/devel", jar.toString(), MAIN_CLASS, "CliWordCount");

    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
    assertThat(submitted.stdout())
        .isEqualTo("Submitted local/alice/devel/CliWordCount: state STARTING\n");
    JsonNode topology = awaitState("/api/v1/topologies/local/alice/devel/CliWordCount", "RUNNING");
    assertThat(topology.get("submitter").asString()).isEqualTo("alice");
    assertThat(topology.get("initially_paused").asBoolean()).isFalse();
    assertThat(topology.get("components"))
        .extracting(c -> c.get("name").asString())
        .containsExactly("sentence", "split", "count");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(cli.run("describe", "local/alice/devel", "CliWordCount").stdout())
                    .contains("RUNNING=3")
                    .contains("State:            RUNNING\n"));
    Result described = cli.run("describe", "local/alice/devel", "CliWordCount");
    assertThat(described.exitCode()).isZero();
    assertThat(described.stdout())
        .contains("Key:              local/alice/devel/CliWordCount\n")
        .contains("State:            RUNNING\n")
        .contains("Containers:       2 (5 instances;")
        .contains("Aurora job:       local/alice/devel/CliWordCount (3 instances)\n")
        .contains("COMPONENT  KIND   PARALLELISM\n")
        .contains("sentence   SPOUT  1\n")
        .contains("split      BOLT   2\n")
        .contains("count      BOLT   2\n")
        .containsPattern("AuroraTasksRunning +True +AllTasksRunning +\\S+Z +3/3 instances")
        .containsPattern("TopologyManagerReady +True +Announced ")
        .containsPattern("Healthy +True +TasksHealthy ");
    assertThat(
            JSON.readTree(
                    cli.run("describe", "--json", "local/alice/devel", "CliWordCount").stdout())
                .get("name")
                .asString())
        .isEqualTo("CliWordCount");

    Result killed = cli.run("kill", "local/alice/devel", "CliWordCount");
    assertThat(killed.exitCode()).as(killed.toString()).isZero();
    assertThat(killed.stdout())
        .isEqualTo("CliWordCount killed (local/alice/devel/CliWordCount: state KILLED)\n");
    assertThat(get("/api/v1/topologies/local/alice/devel/CliWordCount").statusCode())
        .isEqualTo(404);
  }

  @Test
  void submitSendsConfigPropertiesAndDeploysDeactivated() {
    Result submitted =
        submit(
            "--deploy-deactivated",
            "--config-property",
            "topology.stmgrs=3",
            "--json",
            "local/alice/devel",
            jar.toString(),
            MAIN_CLASS,
            "CliPaused");

    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
    JsonNode printed = JSON.readTree(submitted.stdout());
    assertThat(printed.get("initially_paused").asBoolean()).isTrue();
    assertThat(printed.get("state").asString()).isEqualTo("STARTING");
    assertThat(printed.get("settles_to").asString()).isEqualTo("PAUSED");
    JsonNode stored = awaitState("/api/v1/topologies/local/alice/devel/CliPaused", "PAUSED");
    assertThat(stored.get("initially_paused").asBoolean()).isTrue();
    assertThat(stored.at("/packing_plan/containers").asInt())
        .as("topology.stmgrs override")
        .isEqualTo(3);
    assertThat(delete("/api/v1/topologies/local/alice/devel/CliPaused").statusCode())
        .isEqualTo(200);
  }

  @Test
  void submitFillsRoleFromUserAndEnvironmentFromTheClusterDefault() {
    Result submitted =
        cli.withEnv("USER", "dave")
            .run("submit", "local", jar.toString(), MAIN_CLASS, "CliDefaults");

    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
    assertThat(submitted.stdout())
        .isEqualTo("Submitted local/dave/devel/CliDefaults: state STARTING\n");
    assertThat(
            json(get("/api/v1/topologies/local/dave/devel/CliDefaults"))
                .get("submitter")
                .asString())
        .isEqualTo("dave");
    assertThat(cli.run("kill", "local/dave/devel", "CliDefaults").exitCode()).isZero();
  }

  @Test
  void dryRunPrintsThePlanAndWritesNothing() {
    Result table =
        submit("--dry-run", "local/alice/devel", jar.toString(), MAIN_CLASS, "CliDryRun");

    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.stdout())
        .startsWith("container ")
        .contains("sentence")
        .contains("job:        local/alice/devel/CliDryRun");
    Result json =
        submit(
            "--dry-run",
            "--dry-run-format",
            "json",
            "local/alice/devel",
            jar.toString(),
            MAIN_CLASS,
            "CliDryRun");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    JsonNode rendering = JSON.readTree(json.stdout());
    assertThat(rendering.at("/response/packing_plan")).hasSize(2);
    assertThat(rendering.at("/response/job_configuration").isObject()).isTrue();
    assertThat(get("/api/v1/topologies/local/alice/devel/CliDryRun").statusCode()).isEqualTo(404);
  }

  @Test
  void aTopologyFileWhosePathHasSpacesAndSemicolonsIsUploadedUnderAPlainName() throws Exception {
    Path odd = Files.createDirectories(dir.resolve("my topologies")).resolve("word count;v1.jar");
    Files.copy(jar, odd, StandardCopyOption.REPLACE_EXISTING);

    Result result =
        submit(
            "--dry-run",
            "--dry-run-format",
            "json",
            "local/alice/devel",
            odd.toString(),
            MAIN_CLASS,
            "CliOddPath");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(JSON.readTree(result.stdout()).at("/response/job_configuration").toString())
        .contains("word_count_v1.jar");
  }

  @Test
  void listShowsTopologiesFilteredByClusterRoleEnvironmentAndState() {
    for (String name : new String[] {"CliListRunning", "CliListPaused"}) {
      Multipart form =
          new Multipart()
              .field("name", name)
              .field("cluster", "local")
              .field("role", "clilister")
              .field("environment", "devel")
              .file(
                  "definition",
                  name + ".defn",
                  name.endsWith("Paused")
                      ? HeronDefinitions.pausedDefinition(HeronDefinitions.SINGLE_SPOUT, name)
                      : HeronDefinitions.definition(HeronDefinitions.SINGLE_SPOUT, name))
              .file(
                  "topology",
                  "topology.jar",
                  HeronDefinitions.topologyJar(HeronDefinitions.SINGLE_SPOUT));
      assertThat(post("/api/v1/topologies", form).statusCode()).isEqualTo(201);
    }
    awaitState("/api/v1/topologies/local/clilister/devel/CliListRunning", "RUNNING");
    awaitState("/api/v1/topologies/local/clilister/devel/CliListPaused", "PAUSED");

    Result all = cli.run("list", "local/clilister");
    assertThat(all.exitCode()).as(all.toString()).isZero();
    assertThat(all.stdout().lines())
        .first()
        .asString()
        .matches("NAME +CLUSTER +ROLE +ENVIRONMENT +STATE +CONTAINERS +SUBMITTED");
    assertThat(all.stdout().lines().skip(1))
        .hasSize(2)
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches("CliListRunning +local +clilister +devel +RUNNING +1 +\\S+"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches("CliListPaused +local +clilister +devel +PAUSED +1 +\\S+"));
    int clusterColumn = all.stdout().indexOf("CLUSTER");
    assertThat(all.stdout().lines().skip(1))
        .allSatisfy(line -> assertThat(line.indexOf(" local ") + 1).isEqualTo(clusterColumn));

    Result paused = cli.run("list", "local/clilister/devel", "--state", "paused");
    assertThat(paused.stdout().lines().skip(1))
        .singleElement()
        .asString()
        .startsWith("CliListPaused ");
    assertThat(cli.run("list", "local/nobody").stdout()).isEqualTo("No topologies.\n");
    JsonNode raw = JSON.readTree(cli.run("list", "--json", "local/clilister/devel").stdout());
    assertThat(raw.get("topologies")).hasSize(2);
    assertThat(cli.run("list").stdout()).contains("CliListRunning").contains("CliListPaused");

    for (String name : new String[] {"CliListRunning", "CliListPaused"}) {
      assertThat(delete("/api/v1/topologies/local/clilister/devel/" + name).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void anUnknownClusterExitsNonZeroWithTheProblemDetail() {
    Result result =
        cli.run("submit", "nowhere/alice/devel", jar.toString(), MAIN_CLASS, "CliNowhere");

    assertThat(result.exitCode()).isEqualTo(100);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr())
        .startsWith("Invalid field: Unknown cluster 'nowhere'; this service manages local")
        .endsWith("\n")
        .hasLineCount(1);
  }

  @Test
  void aMissingTopologyExitsNonZeroWithNotFound() {
    Result described = cli.run("describe", "local/alice/devel", "CliNoSuchTopology");
    Result killed = cli.run("kill", "local/alice/devel", "CliNoSuchTopology");

    assertThat(described.exitCode()).isEqualTo(100);
    assertThat(described.stderr())
        .isEqualTo("Not found: Topology local/alice/devel/CliNoSuchTopology does not exist\n");
    assertThat(killed.exitCode()).isEqualTo(100);
    assertThat(killed.stderr()).contains("does not exist");
  }

  @Test
  void aSecondSubmitOfOneNameIsAConflict() {
    assertThat(
            cli.run("submit", "local/alice/devel", jar.toString(), MAIN_CLASS, "CliTwice")
                .exitCode())
        .isZero();

    Result again = cli.run("submit", "local/alice/devel", jar.toString(), MAIN_CLASS, "CliTwice");

    assertThat(again.exitCode()).isEqualTo(100);
    assertThat(again.stderr()).startsWith("Conflict: ").contains("CliTwice");
    assertThat(cli.run("kill", "local/alice/devel", "CliTwice").exitCode()).isZero();
  }

  @Test
  void anUnreachableServiceHasItsOwnExitCodeAndSaysWhere() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;

    Result result = cli.run("list", "--service-url", url);

    assertThat(result.exitCode()).isEqualTo(102);
    assertThat(result.stderr()).startsWith("heron-cli: cannot reach the service at " + url + " (");
  }

  @Test
  void withoutHeronApiOnTheClasspathSubmitSaysWhatToSet() {
    Result result =
        cli.withEnv("HERON_CLI_CLASSPATH", "")
            .run("submit", "local/alice/devel", jar.toString(), MAIN_CLASS, "CliNoApi");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .contains("NoClassDefFoundError")
        .endsWith("set HERON_CLI_CLASSPATH to heron-api.jar\n");
    assertThat(get("/api/v1/topologies/local/alice/devel/CliNoApi").statusCode()).isEqualTo(404);
  }

  @Test
  void verbosePrintsEachCurlCallAndTheJavaCommand() {
    Result result =
        cli.run(
            "submit",
            "--verbose",
            "--dry-run",
            "local/alice/devel",
            jar.toString(),
            MAIN_CLASS,
            "CliVerbose");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stderr())
        .contains("+ HERON_OPTIONS=")
        .contains(
            "cmdline.topology.initial.state=RUNNING,cmdline.topology.role=alice,cmdline.topology.environment=devel,"
                + "cmdline.topology.cluster=local,")
        .contains(
            "cmdline.topology.class_name=" + MAIN_CLASS + ",cmdline.topology.submit_user=alice")
        .contains(" -cp " + jar + ":" + HeronCli.heronApiJar() + " " + MAIN_CLASS + " CliVerbose\n")
        .contains("+ curl ")
        .contains("--form-string name=CliVerbose")
        .contains("--form-string dry_run=true")
        .contains("http://127.0.0.1:" + port + "/api/v1/topologies\n")
        .contains("< HTTP 200\n");
  }
}
