package io.heroncp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.cli.HeronCli.Result;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.SecuredServiceTest;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * heron-cli against the secured service: HERON_TOKEN authenticates; 401 and 403 print the problem
 * and exit 100.
 */
class HeronCliSecuredTest extends SecuredServiceTest {

  @TempDir static Path dir;
  static Path jar;

  @BeforeAll
  static void writeTopologyJar() {
    jar =
        HeronDefinitions.writeTopologyJar(
            HeronDefinitions.SINGLE_SPOUT, dir.resolve("single-spout.jar"));
  }

  private HeronCli cli(String token) {
    HeronCli cli = HeronCli.against(base()).withEnv("HERON_CLI_CLASSPATH", HeronCli.heronApiJar());
    return token == null ? cli : cli.withEnv("HERON_TOKEN", token);
  }

  @Test
  void withAliceTokenSubmitListAndKillWorkAsAlice() {
    Result submitted =
        cli(ALICE)
            .withEnv("USER", "someone-else")
            .run(
                "submit",
                "local/alice/devel",
                jar.toString(),
                HeronDefinitions.SINGLE_SPOUT.getName(),
                "CliSecured1");
    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
    assertThat(
            json(get("/api/v1/topologies/local/alice/devel/CliSecured1", ALICE))
                .get("submitter")
                .asString())
        .isEqualTo("alice");

    Result listed = cli(ALICE).run("list", "local/alice");
    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(listed.stdout()).contains("CliSecured1");

    Result forbidden = cli(BOB).run("kill", "local/alice/devel", "CliSecured1");
    assertThat(forbidden.exitCode()).as(forbidden.toString()).isEqualTo(100);
    assertThat(forbidden.stderr())
        .startsWith("Forbidden: bob may not kill topologies of role 'alice'");
    assertThat(forbidden.stderr()).doesNotContain(BOB);

    assertThat(cli(ALICE).run("kill", "local/alice/devel", "CliSecured1").exitCode()).isZero();
  }

  @Test
  void withAliceTokenSubmitWaitFollowsTheTopologysEventStream() {
    Result submitted =
        cli(ALICE)
            .run(
                "submit",
                "--wait",
                "local/alice/devel",
                jar.toString(),
                HeronDefinitions.SINGLE_SPOUT.getName(),
                "CliSecuredWait");
    assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
    assertThat(submitted.stdout()).endsWith("CliSecuredWait is RUNNING\n");

    Result refused = cli(null).run("describe", "--watch", "local/alice/devel", "CliSecuredWait");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(100);
    assertThat(cli(ALICE).run("kill", "local/alice/devel", "CliSecuredWait").exitCode()).isZero();
  }

  @Test
  void withoutOrWithAWrongTokenItPrintsWhatToSendAndExits100() {
    Result anonymous = cli(null).run("list");
    assertThat(anonymous.exitCode()).as(anonymous.toString()).isEqualTo(100);
    assertThat(anonymous.stderr()).startsWith("Unauthorized: ").contains("HERON_TOKEN");

    Result wrong = cli("wrong-token-0000000000000000000000000000").run("list");
    assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(100);
    assertThat(wrong.stderr())
        .startsWith("Unauthorized: The bearer token was refused")
        .doesNotContain("wrong-token-0000000000000000000000000000");
  }
}
