package io.heroncp.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /actuator/prometheus} carries the service's metrics, and they move when a topology is
 * submitted.
 */
class PrometheusEndpointTest extends ServiceTest {

  private String scrape() {
    HttpResponse<String> response = get("/actuator/prometheus");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /**
   * The value of the sample with exactly this name and these labels (in Prometheus' order), or 0 if
   * absent.
   */
  private static double sample(String scrape, String name, String labels) {
    Matcher matcher =
        Pattern.compile("(?m)^" + Pattern.quote(name + labels) + " (\\S+)$").matcher(scrape);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  @Test
  void gaugesExistFromTheStart() {
    String scrape = scrape();

    assertThat(scrape)
        .contains(
            "heroncp_topologies{cluster=\"local\",state=\"RUNNING\"}",
            "heroncp_topologies{cluster=\"offline\",state=\"PAUSED\"}",
            "heroncp_packages_size_bytes ",
            "heroncp_packages_stored ",
            "heroncp_packages_free_bytes ",
            "heroncp_reconciler_runs_total ",
            "heroncp_reconciler_repairs_total ");
  }

  @Test
  void submitMovesTheTopologyGaugeThePackageGaugesAndTheAuroraTimer() {
    String before = scrape();
    String createOk = "{cluster=\"local\",method=\"createJob\",response_code=\"OK\"}";
    String runningLocal = "{cluster=\"local\",state=\"RUNNING\"}";
    double creates = sample(before, "heroncp_aurora_calls_seconds_count", createOk);
    double running = sample(before, "heroncp_topologies", runningLocal);
    double packages = sample(before, "heroncp_packages_stored", "");
    String submitOk = "{cluster=\"local\",outcome=\"succeeded\",problem=\"none\",verb=\"submit\"}";
    double submits = sample(before, "heroncp_operations_seconds_count", submitOk);
    String requestMulti = "{context=\"request\",kind=\"CuratorMultiTransactionImpl-Foreground\"}";
    double requestMultis =
        sample(before, "heroncp_zookeeper_operations_seconds_count", requestMulti);

    Multipart form =
        Multipart.submit("local", "metrics", "devel", "MetricsCount", HeronDefinitions.WORD_COUNT);
    HttpResponse<String> submitted = post("/api/v1/topologies", form);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);

    try {
      String after = scrape();
      assertThat(sample(after, "heroncp_aurora_calls_seconds_count", createOk))
          .isEqualTo(creates + 1);
      assertThat(after)
          .contains("heroncp_aurora_calls_seconds_bucket{cluster=\"local\",method=\"createJob\"");
      // The lifecycle operation timer and the ZooKeeper operation timer moved too.
      assertThat(sample(after, "heroncp_operations_seconds_count", submitOk))
          .isEqualTo(submits + 1);
      // The submit's transactions are on the request path; the record cache reads in the
      // background.
      assertThat(sample(after, "heroncp_zookeeper_operations_seconds_count", requestMulti))
          .isGreaterThan(requestMultis);
      assertThat(after)
          .containsPattern(
              "heroncp_zookeeper_operations_seconds_count\\{context=\"background\",kind=\"[^\"]+-Background\"\\}");
      // Gauges are re-read at most every few seconds.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                String now = scrape();
                assertThat(sample(now, "heroncp_topologies", runningLocal)).isEqualTo(running + 1);
                assertThat(sample(now, "heroncp_packages_stored", "")).isGreaterThan(packages);
              });
      // The offline cluster's scheduler is probed (health, /clusters): no Thrift reply, tagged
      // UNAVAILABLE.
      get("/api/v1/clusters");
      assertThat(
              sample(
                  scrape(),
                  "heroncp_aurora_calls_seconds_count",
                  "{cluster=\"offline\",method=\"getRoleSummary\",response_code=\"UNAVAILABLE\"}"))
          .isPositive();
    } finally {
      delete("/api/v1/topologies/local/metrics/devel/MetricsCount");
    }
  }

  @Test
  void aSubmitThatAuroraCannotTakeIsTimedAsRolledBackWithItsProblemType() {
    String rolledBack =
        "{cluster=\"offline\",outcome=\"rolled_back\",problem=\"dependency-unavailable\",verb=\"submit\"}";
    double before = sample(scrape(), "heroncp_operations_seconds_count", rolledBack);
    Multipart form =
        Multipart.submit(
            "offline", "metrics", null, "MetricsOffline", HeronDefinitions.SINGLE_SPOUT);

    HttpResponse<String> submitted = post("/api/v1/topologies", form);

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(503);
    assertThat(sample(scrape(), "heroncp_operations_seconds_count", rolledBack))
        .isEqualTo(before + 1);
  }
}
