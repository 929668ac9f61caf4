package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.SecuredServiceTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Actuator on the secured service: probes and metrics open, health details and every other endpoint
 * for admins.
 */
class ActuatorAccessTest extends SecuredServiceTest {

  @Test
  void livenessAndReadinessAnswerWithoutCredentials() {
    HttpResponse<String> liveness = get("/actuator/health/liveness", null);
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(json(liveness).get("status").asString()).isEqualTo("UP");
    assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
  }

  @Test
  void healthDetailsAreHiddenExceptFromAdmins() {
    for (String token : new String[] {null, ALICE}) {
      HttpResponse<String> health = get("/actuator/health", token);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).doesNotContain("zookeeper", "connect", "packages", "127.0.0.1");
    }
    HttpResponse<String> admin = get("/actuator/health", ADMIN);
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(json(admin).at("/components/zookeeper/details").isObject())
        .as(admin.body())
        .isTrue();
  }

  @Test
  void otherActuatorEndpointsNeedAdmin() {
    assertThat(get("/actuator/metrics", null).statusCode()).isEqualTo(401);
    HttpResponse<String> alice = get("/actuator/metrics", ALICE);
    assertThat(alice.statusCode()).isEqualTo(403);
    assertThat(json(alice).get("type").asString())
        .isEqualTo("urn:heron-controlplane:problem:forbidden");
    assertThat(get("/actuator/metrics", ADMIN).statusCode()).isEqualTo(200);
    assertThat(get("/actuator/env", ALICE).statusCode()).isIn(403, 404);
  }

  @Test
  void prometheusIsOpenByDefault() {
    HttpResponse<String> scrape = get("/actuator/prometheus", null);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).contains("jvm_");
  }
}
