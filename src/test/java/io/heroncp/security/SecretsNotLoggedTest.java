package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.SecuredServiceTest;
import io.heroncp.support.TestJwks;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * API tokens, JWTs, refused tokens and the package URL secret appear neither in the log nor in any
 * answer.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsNotLoggedTest extends SecuredServiceTest {

  @Test
  void noTokenOrSecretReachesTheLogOrAnAnswer(CapturedOutput output) {
    String jwt =
        TestJwks.get().sign("alice", claims -> claims.claim("aurora_roles", List.of("alice")));
    String forged = TestJwks.get().forge("alice", claims -> claims);
    String unknown = "unknown-token-4d6f8a0b2c4e6a8c0e2a4c6e8a0c2e4a";
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (String token : List.of(ALICE, BOB, ADMIN, jwt, forged, unknown)) {
      answers.add(get("/api/v1/topologies", token));
      answers.add(delete("/api/v1/topologies/local/alice/devel/NoSuchTopology", token));
      answers.add(
          post("/api/v1/topologies", token, RoleGrantsTest.submitForm("SecSecret1", "mallory")));
    }
    answers.add(get("/actuator/env", ADMIN));

    assertThat(answers).extracting(HttpResponse::statusCode).contains(200, 401, 403, 404);
    for (String secret : List.of(ALICE, BOB, ADMIN, jwt, forged, unknown, PACKAGE_SECRET)) {
      assertThat(output.getAll()).doesNotContain(secret);
      assertThat(answers).allSatisfy(answer -> assertThat(answer.body()).doesNotContain(secret));
    }
    // The parts of a JWT (its signature) do not show either.
    assertThat(output.getAll()).doesNotContain(jwt.substring(jwt.lastIndexOf('.') + 1));
    assertThat(output.getAll()).doesNotContainIgnoringCase("generated security password");
  }
}
