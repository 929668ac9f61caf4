package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The body check of the contract test can fail: it rejects what openapi.yaml does not describe. */
class OpenApiBodiesTest {

  private static final OpenApiBodies SPEC = OpenApiBodies.load(Path.of("openapi.yaml"));
  private static final String OPERATION =
      """
      {"id":"op-1","verb":"KILL","cluster":"local","role":"r","environment":"devel","name":"T",
       "parameters":{},"requester":"alice","started_at":"2026-01-01T00:00:00Z","outcome":"SUCCEEDED"}""";

  @Test
  void aBodyAsDocumentedPasses() {
    assertThat(
            SPEC.violations("GET", "/api/v1/operations/{id}", 200, "application/json", OPERATION))
        .isEmpty();
  }

  @Test
  void aBodyMissingARequiredFieldFails() {
    String withoutOutcome = OPERATION.replace(",\"outcome\":\"SUCCEEDED\"", "");
    assertThat(
            SPEC.violations(
                "GET", "/api/v1/operations/{id}", 200, "application/json", withoutOutcome))
        .anySatisfy(v -> assertThat(v).contains("outcome"));
  }

  @Test
  void aFieldOfTheWrongTypeFails() {
    String numericRequester = OPERATION.replace("\"requester\":\"alice\"", "\"requester\":42");
    assertThat(
            SPEC.violations(
                "GET", "/api/v1/operations/{id}", 200, "application/json", numericRequester))
        .anySatisfy(v -> assertThat(v).contains("requester"));
  }

  @Test
  void aMemberTheFileDoesNotDescribeFails() {
    String extra = OPERATION.replace("\"verb\":\"KILL\"", "\"verb\":\"KILL\",\"surprise\":true");
    assertThat(SPEC.violations("GET", "/api/v1/operations/{id}", 200, "application/json", extra))
        .anySatisfy(v -> assertThat(v).contains("surprise"));
  }

  @Test
  void aProblemWithoutItsMessageMemberFails() {
    String problem =
        """
        {"type":"urn:heron-controlplane:problem:not-found","title":"Not found","status":404,"detail":"x"}""";
    assertThat(
            SPEC.violations(
                "GET", "/api/v1/operations/{id}", 404, "application/problem+json", problem))
        .anySatisfy(v -> assertThat(v).contains("message"));
  }

  @Test
  void anUndocumentedStatusFails() {
    assertThat(SPEC.violations("GET", "/api/v1/operations/{id}", 418, "application/json", "{}"))
        .isNotEmpty();
  }
}
