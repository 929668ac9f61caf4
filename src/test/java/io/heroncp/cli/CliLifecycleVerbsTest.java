package io.heroncp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.cli.HeronCli.Result;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * heron-cli's activate, deactivate, restart, update, history and version against the whole service,
 * results checked through the HTTP API. Written against the P2 endpoint contract before those
 * endpoints exist.
 */
class CliLifecycleVerbsTest extends ServiceTest {

  private static final String PATH = "/api/v1/topologies/local/alice/devel/";

  private HeronCli cli;

  @BeforeEach
  void pointAtService() {
    cli = HeronCli.against("http://127.0.0.1:" + port);
  }

  private void submitPaused(String name) {
    Multipart form =
        new Multipart()
            .field("name", name)
            .field("cluster", "local")
            .field("role", "alice")
            .field("environment", "devel")
            .file(
                "definition",
                name + ".defn",
                HeronDefinitions.pausedDefinition(HeronDefinitions.WORD_COUNT, name))
            .file(
                "topology",
                "word-count.jar",
                HeronDefinitions.topologyJar(HeronDefinitions.WORD_COUNT));
    assertThat(post("/api/v1/topologies", form).statusCode()).isEqualTo(201);
    // Activation goes to the topology manager, which announces itself once container 0 runs.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                io.heroncp.support.SharedZooKeeper.client()
                        .checkExists()
                        .forPath("/heron/tmanagers/" + name)
                    != null);
  }

  private String state(String name) {
    return json(get(PATH + name)).get("state").asString();
  }

  private static void assertSucceeded(Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stderr()).as(result.toString()).isEmpty();
  }

  @Test
  void activateAndDeactivateChangeTheState() {
    submitPaused("CliActivate");

    assertSucceeded(cli.run("activate", "local/alice/devel", "CliActivate"));
    await().atMost(Duration.ofSeconds(20)).until(() -> state("CliActivate").equals("RUNNING"));

    // Role and environment default to $USER (alice) and the cluster's default environment (devel).
    Result deactivated = cli.run("deactivate", "local", "CliActivate");
    assertSucceeded(deactivated);
    assertThat(deactivated.stdout()).contains("CliActivate");
    await().atMost(Duration.ofSeconds(20)).until(() -> state("CliActivate").equals("PAUSED"));

    assertSucceeded(cli.run("kill", "local/alice/devel", "CliActivate"));
  }

  @Test
  void restartAllOrOneContainer() {
    submitPaused("CliRestart");
    assertSucceeded(cli.run("activate", "local/alice/devel", "CliRestart"));

    assertSucceeded(cli.run("restart", "local/alice/devel", "CliRestart"));
    assertSucceeded(cli.run("restart", "local/alice/devel", "CliRestart", "1"));
    assertSucceeded(cli.run("restart", "local/alice/devel", "CliRestart", "-1"));

    await().atMost(Duration.ofSeconds(30)).until(() -> state("CliRestart").equals("RUNNING"));
    assertSucceeded(cli.run("kill", "local/alice/devel", "CliRestart"));
  }

  @Test
  void updateChangesParallelismAndDryRunChangesNothing() {
    submitPaused("CliUpdate");

    Result dryRun =
        cli.run("update", "local/alice/devel", "CliUpdate", "--container-number=3", "--dry-run");
    assertSucceeded(dryRun);
    assertThat(dryRun.stdout()).isNotBlank();
    assertThat(json(get(PATH + "CliUpdate")).at("/packing_plan/containers").asInt()).isEqualTo(2);

    assertSucceeded(
        cli.run("update", "local/alice/devel", "CliUpdate", "--component-parallelism=split:3"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode topology = json(get(PATH + "CliUpdate"));
              assertThat(topology.get("components"))
                  .anySatisfy(
                      c -> {
                        assertThat(c.get("name").asString()).isEqualTo("split");
                        assertThat(c.get("parallelism").asInt()).isEqualTo(3);
                      });
            });

    assertSucceeded(
        cli.run("update", "local/alice/devel", "CliUpdate", "--runtime-config=count:my.key:7"));
    assertSucceeded(cli.run("kill", "local/alice/devel", "CliUpdate"));
  }

  @Test
  void historyListsTheOperations() {
    submitPaused("CliHistory");
    assertSucceeded(cli.run("activate", "local/alice/devel", "CliHistory"));
    assertSucceeded(cli.run("deactivate", "local/alice/devel", "CliHistory"));

    Result history = cli.run("history", "local/alice/devel", "CliHistory");

    assertSucceeded(history);
    assertThat(history.stdout().lines())
        .first()
        .asString()
        .matches("ID +VERB +OUTCOME +STARTED +ENDED +ERROR");
    assertThat(history.stdout().toLowerCase()).contains("activate").contains("deactivate");
    JsonNode raw =
        JSON.readTree(cli.run("history", "--json", "local/alice/devel", "CliHistory").stdout());
    assertThat(raw.get("operations").size()).isGreaterThanOrEqualTo(3);
    assertThat(raw.get("operations"))
        .allSatisfy(op -> assertThat(op.get("id").asString()).isNotBlank());
    assertSucceeded(cli.run("kill", "local/alice/devel", "CliHistory"));
  }

  @Test
  void verbsOnAMissingTopologyExitWithNotFound() {
    for (String verb : new String[] {"activate", "deactivate", "restart", "history"}) {
      Result result = cli.run(verb, "local/alice/devel", "CliNoSuchTopology");
      assertThat(result.exitCode()).as(verb + ": " + result).isEqualTo(100);
      assertThat(result.stderr()).as(verb).startsWith("Not found: ");
    }
  }

  @Test
  void versionPrintsTheScriptsAndTheServicesVersion() {
    Result version = cli.run("version");

    assertSucceeded(version);
    assertThat(version.stdout())
        .startsWith("heron-cli 0.1.0\nservice http://127.0.0.1:" + port + "\n");
    assertThat(JSON.readTree(cli.run("version", "--json").stdout()).isObject()).isTrue();
  }
}
