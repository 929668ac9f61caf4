package io.heroncp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.cli.HeronCli.Result;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.ServiceTest;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * heron-cli following the service's event streams: {@code submit --wait} and {@code describe
 * --watch}, the real script against the whole service.
 */
class HeronCliWatchTest extends ServiceTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

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

  @Test
  void submitWaitFollowsTheTopologyUntilItRunsThenDescribeWatchShowsEachChange() {
    Result submitted =
        cli.run(
            "submit",
            "--wait",
            "--wait-timeout",
            "60",
            "local/alice/devel",
            jar.toString(),
            HeronCliTest.MAIN_CLASS,
            "CliWaited");

    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
    assertThat(submitted.stdout())
        .startsWith("Submitted local/alice/devel/CliWaited: state ")
        .containsPattern("(?m)^\\S+Z  state RUNNING")
        .endsWith("CliWaited is RUNNING\n");
    assertThat(json(get("/api/v1/topologies/local/alice/devel/CliWaited")).get("state").asString())
        .isEqualTo("RUNNING");
    String path = "/api/v1/topologies/local/alice/devel/CliWaited";
    await()
        .atMost(WAIT)
        .until(
            () ->
                io.heroncp.support.SharedZooKeeper.client()
                        .checkExists()
                        .forPath("/heron/tmanagers/CliWaited")
                    != null);

    HeronCli.Running watching = cli.start("describe", "--watch", "local/alice/devel", "CliWaited");
    await().atMost(WAIT).until(() -> watching.stdout().contains("Watching (Ctrl-C to stop):\n"));
    assertThat(watching.stdout())
        .startsWith("Name:             CliWaited\n")
        .contains("State:            RUNNING\n");
    assertThat(post(path + "/deactivate")).isEqualTo(200);
    assertThat(post(path + "/activate")).isEqualTo(200);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(watching.stdout())
                    .containsPattern(
                        "(?s)operation DEACTIVATE started by \\S+ \\([0-9a-f-]+\\)\n.*"
                            + "state PAUSED \\(was RUNNING\\)\n.*"
                            + "state RUNNING \\(was PAUSED\\)\n")
                    .contains("operation DEACTIVATE SUCCEEDED\n")
                    .contains("operation ACTIVATE SUCCEEDED\n"));
    assertThat(watching.alive()).isTrue();

    // Interrupted, it stops (143 for SIGTERM, as for any command).
    Result stopped = watching.stop();
    assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(143);

    // A watch ends by itself when the topology is killed.
    HeronCli.Running untilKilled =
        cli.start("describe", "--watch", "local/alice/devel", "CliWaited");
    await().atMost(WAIT).until(() -> untilKilled.stdout().contains("Watching (Ctrl-C to stop):\n"));
    assertThat(cli.run("kill", "local/alice/devel", "CliWaited").exitCode()).isZero();
    Result ended = untilKilled.await(30);
    assertThat(ended.exitCode()).as(ended.toString()).isZero();
    assertThat(ended.stdout()).containsPattern("state KILLED \\(was KILLING\\)\n$");
  }

  @Test
  void submitWaitPrintsTheEventsAsJsonLinesWithJson() {
    Result submitted =
        cli.run(
            "submit",
            "--wait",
            "--json",
            "--deploy-deactivated",
            "local/alice/devel",
            jar.toString(),
            HeronCliTest.MAIN_CLASS,
            "CliWaitedJson");

    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
    String[] lines = submitted.stdout().split("\n");
    assertThat(JSON.readTree(lines[0]).get("initially_paused").asBoolean()).isTrue();
    var snapshot = JSON.readTree(lines[1]);
    assertThat(snapshot.get("event").asString()).isEqualTo("snapshot");
    assertThat(snapshot.get("id").asString()).matches("[0-9a-z]+-\\d+");
    for (int i = 1; i < lines.length; i++) {
      assertThat(JSON.readTree(lines[i]).has("data")).as(lines[i]).isTrue();
    }
    // It stopped at the event that says PAUSED, settled.
    var last = JSON.readTree(lines[lines.length - 1]);
    var data =
        last.get("event").asString().equals("snapshot")
            ? last.at("/data/topologies/0")
            : last.get("data");
    assertThat(data.get("state").asString()).isEqualTo("PAUSED");
    assertThat(data.has("settles_to")).isFalse();
    assertThat(delete("/api/v1/topologies/local/alice/devel/CliWaitedJson").statusCode())
        .isEqualTo(200);
  }

  @Test
  void describeWatchOfATopologyThatDoesNotExistExits100WithTheProblem() {
    Result result = cli.run("describe", "--watch", "local/alice/devel", "CliNoSuchTopology");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(100);
    assertThat(result.stderr()).contains("Not found:");
  }

  private int post(String path) {
    return send(HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build())
        .statusCode();
  }
}
