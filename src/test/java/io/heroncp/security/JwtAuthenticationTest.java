package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.SecuredServiceTest;
import io.heroncp.support.TestJwks;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JWTs from an identity provider whose JWKS is served over real HTTP: valid ones authenticate with
 * their {@code aurora_roles}; expired, forged and wrong-audience ones are 401 with {@code
 * error="invalid_token"}.
 */
class JwtAuthenticationTest extends SecuredServiceTest {

  private final TestJwks idp = TestJwks.get();

  private static void assertInvalidToken(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            challenge ->
                assertThat(challenge)
                    .startsWith("Bearer ")
                    .contains("error=\"invalid_token\"", "error_description="));
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(json(response).get("type").asString())
        .isEqualTo("urn:heron-controlplane:problem:unauthorized");
    assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void aValidJwtWithAuroraRolesAliceSubmitsAsAlice() {
    String jwt = idp.sign("alice", claims -> claims.claim("aurora_roles", List.of("alice")));

    HttpResponse<String> submitted =
        post("/api/v1/topologies", jwt, RoleGrantsTest.submitForm("SecJwt1", "alice"));

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(
            json(get("/api/v1/topologies/local/alice/devel/SecJwt1/history", jwt))
                .at("/operations/0/requester")
                .asString())
        .isEqualTo("alice");
    assertThat(delete("/api/v1/topologies/local/alice/devel/SecJwt1", jwt).statusCode())
        .isEqualTo(200);
  }

  @Test
  void anExpiredJwtIsUnauthorized() {
    String jwt =
        idp.sign(
            "alice",
            claims ->
                claims
                    .claim("aurora_roles", List.of("alice"))
                    .issueTime(new Date(System.currentTimeMillis() - 3_600_000))
                    .expirationTime(new Date(System.currentTimeMillis() - 1_800_000)));

    assertInvalidToken(get("/api/v1/topologies", jwt));
  }

  @Test
  void aJwtSignedByAnotherKeyIsUnauthorized() {
    String jwt = idp.forge("alice", claims -> claims.claim("aurora_roles", List.of("*")));

    assertInvalidToken(get("/api/v1/topologies", jwt));
  }

  @Test
  void aJwtForAnotherAudienceIsUnauthorized() {
    String jwt =
        idp.sign(
            "alice",
            claims ->
                claims.audience("some-other-service").claim("aurora_roles", List.of("alice")));

    assertInvalidToken(get("/api/v1/topologies", jwt));
  }

  @Test
  void aJwtWithoutTheRolesClaimReadsButMayNotMutate() {
    String jwt = idp.sign("dave", claims -> claims);

    assertThat(get("/api/v1/topologies", jwt).statusCode()).isEqualTo(200);
    HttpResponse<String> refused =
        post("/api/v1/topologies", jwt, RoleGrantsTest.submitForm("SecJwt2", "alice"));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(json(refused).get("message").asString()).contains("dave", "'alice'", "submit");
  }

  @Test
  void anUnknownApiTokenIsUnauthorizedAndNoCredentialsGetsAPlainBearerChallenge() {
    assertInvalidToken(get("/api/v1/topologies", "not-a-token-of-ours"));

    HttpResponse<String> anonymous = get("/api/v1/topologies", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            challenge -> assertThat(challenge).startsWith("Bearer").doesNotContain("error="));
    assertThat(json(anonymous).get("message").asString()).contains("Authorization: Bearer");
  }

  @Test
  void aJwtWhosePrincipalIsNotAnAuroraIdentifierCannotSubmitAndNothingIsWritten() throws Exception {
    String jwt =
        idp.sign("alice@example.com", claims -> claims.claim("aurora_roles", List.of("alice")));

    HttpResponse<String> refused =
        post("/api/v1/topologies", jwt, RoleGrantsTest.submitForm("SecJwtEmail1", "alice"));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(json(refused).get("field").asString()).isEqualTo("user");
    assertThat(json(refused).get("message").asString())
        .contains("alice@example.com", "principal-claim");
    assertThat(zooKeeper().checkExists().forPath("/heron/topologies/SecJwtEmail1")).isNull();
    assertThat(simulator.getJobs("alice").getResult().getGetJobsResult().getConfigs())
        .noneSatisfy(job -> assertThat(job.getKey().getName()).isEqualTo("SecJwtEmail1"));
    assertThat(get("/api/v1/topologies/local/alice/devel/SecJwtEmail1/history", ADMIN).statusCode())
        .isEqualTo(404);
  }
}
