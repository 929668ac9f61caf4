package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.SecuredServiceTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Every mutation logs one line on {@code io.heroncp.audit}: principal, roles, remote address, verb,
 * topology key, operation id and outcome; a refused one says {@code refused}, with {@code
 * operation=none}.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuditLineTest extends SecuredServiceTest {

  private static String auditLine(CapturedOutput output, String... parts) {
    return output
        .getAll()
        .lines()
        .filter(line -> line.contains("io.heroncp.audit"))
        .filter(line -> java.util.Arrays.stream(parts).allMatch(line::contains))
        .reduce(
            (first, second) -> {
              throw new AssertionError(
                  "more than one audit line with "
                      + java.util.List.of(parts)
                      + ":\n"
                      + first
                      + "\n"
                      + second);
            })
        .orElseThrow(
            () ->
                new AssertionError(
                    "no audit line with "
                        + java.util.List.of(parts)
                        + " in:\n"
                        + output
                            .getAll()
                            .lines()
                            .filter(line -> line.contains("io.heroncp.audit"))
                            .toList()));
  }

  @Test
  void aSubmitAndAKillEachLogOneLineWithWhoWhatWhereAndHowItEnded(CapturedOutput output) {
    HttpResponse<String> submitted =
        post("/api/v1/topologies", ALICE, RoleGrantsTest.submitForm("SecAudit1", "alice"));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String submitId = json(submitted).get("operation_id").asString();
    HttpResponse<String> killed = delete("/api/v1/topologies/local/alice/devel/SecAudit1", ALICE);
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    String killId = json(killed).at("/operation/id").asString();

    assertThat(auditLine(output, "operation=" + submitId))
        .contains(
            "submit principal=alice",
            "roles=[alice]",
            "remote=127.0.0.1",
            "topology=local/alice/devel/SecAudit1",
            "outcome=SUCCEEDED");
    assertThat(auditLine(output, "operation=" + killId))
        .contains(
            "kill principal=alice",
            "roles=[alice]",
            "remote=127.0.0.1",
            "topology=local/alice/devel/SecAudit1",
            "outcome=SUCCEEDED");
  }

  @Test
  void aRefusedKillAndARefusedSubmitEachLogOneRefusedLine(CapturedOutput output) {
    HttpResponse<String> kill = delete("/api/v1/topologies/local/bob/devel/SecAudit2", ALICE);
    HttpResponse<String> submit =
        post("/api/v1/topologies", ALICE, RoleGrantsTest.submitForm("SecAudit3", "bob"));
    assertThat(kill.statusCode()).as(kill.body()).isEqualTo(403);
    assertThat(submit.statusCode()).as(submit.body()).isEqualTo(403);

    assertThat(auditLine(output, "topology=local/bob/devel/SecAudit2"))
        .contains(
            "refused principal=alice",
            "roles=[alice]",
            "remote=127.0.0.1",
            "verb=kill",
            "operation=none",
            "outcome=FORBIDDEN");
    assertThat(auditLine(output, "topology=local/bob/devel/SecAudit3"))
        .contains(
            "refused principal=alice",
            "roles=[alice]",
            "remote=127.0.0.1",
            "verb=submit",
            "operation=none",
            "outcome=FORBIDDEN");
  }
}
