package io.heroncp.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.support.ServiceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The probes Kubernetes uses, against the whole service (ServiceTest's `offline` cluster never
 * answers).
 */
class HealthEndpointTest extends ServiceTest {

  @Test
  void readinessIsZooKeeperAndPackageStoreAndIgnoresAnUnreachableAuroraCluster() {
    HttpResponse<String> readiness = get("/actuator/health/readiness");

    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
    JsonNode body = json(readiness);
    assertThat(body.get("status").asString()).isEqualTo("UP");
    assertThat(body.at("/components/zookeeper/status").asString()).isEqualTo("UP");
    assertThat(body.at("/components/zookeeper/details/session_id").asString()).startsWith("0x");
    assertThat(body.at("/components/packageStore/status").asString()).isEqualTo("UP");
    assertThat(body.at("/components/readinessState/status").asString()).isEqualTo("UP");
    assertThat(body.get("components").has("aurora")).isFalse();
  }

  @Test
  void livenessIsTheJvmStateOnly() {
    HttpResponse<String> liveness = get("/actuator/health/liveness");

    assertThat(liveness.statusCode()).isEqualTo(200);
    JsonNode body = json(liveness);
    assertThat(body.get("status").asString()).isEqualTo("UP");
    assertThat(body.get("components").propertyNames()).containsExactly("livenessState");
  }

  @Test
  void auroraIndicatorShowsEachClusterAndTheUnreachableOneAsDown() {
    // Probed in the background: the first probe may predate the simulator's announcement.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode aurora = json(get("/actuator/health")).at("/components/aurora");
              assertThat(aurora.get("status").asString()).isEqualTo("UP");
              assertThat(aurora.at("/details/clusters/local/status").asString()).isEqualTo("UP");
              assertThat(aurora.at("/details/clusters/local/discovery").asString())
                  .startsWith("zookeeper");
              assertThat(aurora.at("/details/clusters/offline/status").asString())
                  .isEqualTo("DOWN");
              assertThat(aurora.at("/details/clusters/offline/reason").asString()).isNotEmpty();
              assertThat(aurora.at("/details/checked_at").asString()).isNotEmpty();
            });
  }
}
