package io.heroncp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.simulator.SimulatedCorePackage;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The preflight against the whole service. Cluster {@code local}'s core package is a {@code file:}
 * URI under the user's home that tests do not create, so that check's outcome follows whether the
 * file exists on this host.
 */
class PreflightTest extends ServiceTest {

  @Autowired ClusterRegistry clusters;
  @Autowired io.heroncp.packages.PackageStore packageStore;

  private HttpResponse<String> preflight(String cluster) {
    return send(
        HttpRequest.newBuilder(uri("/api/v1/clusters/" + cluster + "/preflight"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private static Map<String, JsonNode> checksByName(JsonNode report) {
    Map<String, JsonNode> checks = new HashMap<>();
    report.get("checks").forEach(check -> checks.put(check.get("name").asString(), check));
    return checks;
  }

  @Test
  void localClusterPassesEveryCheck() {
    HttpResponse<String> response = preflight("local");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode report = json(response);
    assertThat(report.get("cluster").asString()).isEqualTo("local");
    Map<String, JsonNode> checks = checksByName(report);
    assertThat(checks)
        .containsOnlyKeys(
            "core-package", "package-endpoint", "scheduler", "heron-root", "package-store");
    assertThat(checks.get("package-store").get("ok").asBoolean())
        .as(checks.get("package-store").toString())
        .isTrue();
    assertThat(checks.get("package-store").get("detail").asString())
        .contains("wrote, read and deleted");
    checks
        .values()
        .forEach(check -> assertThat(check.get("duration_ms").isIntegralNumber()).isTrue());

    assertThat(checks.get("package-endpoint").get("ok").asBoolean())
        .as(checks.get("package-endpoint").toString())
        .isTrue();
    assertThat(checks.get("package-endpoint").get("detail").asString())
        .contains("reached the service");
    assertThat(checks.get("scheduler").get("ok").asBoolean())
        .as(checks.get("scheduler").toString())
        .isTrue();
    assertThat(checks.get("scheduler").get("detail").asString()).contains("answered", "zookeeper");
    assertThat(checks.get("heron-root").get("ok").asBoolean())
        .as(checks.get("heron-root").toString())
        .isTrue();
    assertThat(checks.get("heron-root").get("detail").asString())
        .contains("/heron/.heroncp-preflight-");

    // The local default's core package is the one the simulator serves (and its agent fetches for
    // every task).
    URI core = clusters.require("local").corePackageUri();
    assertThat(core)
        .isEqualTo(
            URI.create("http://127.0.0.1:" + SIMULATOR_PORT + "/packages/heron-core.tar.gz"));
    assertThat(checks.get("core-package").get("ok").asBoolean())
        .as(checks.get("core-package").toString())
        .isTrue();
    assertThat(checks.get("core-package").get("detail").asString())
        .isEqualTo(
            "HEAD " + core + " answered 200, " + SimulatedCorePackage.get().size() + " bytes");
    assertThat(report.get("ok").asBoolean()).isTrue();
  }

  @Test
  void offlineClusterFailsCoreAndSchedulerChecksWithTheReason() throws Exception {
    HttpResponse<String> response = preflight("offline");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode report = json(response);
    assertThat(report.get("ok").asBoolean()).isFalse();
    Map<String, JsonNode> checks = checksByName(report);
    assertThat(checks.get("core-package").get("ok").asBoolean()).isFalse();
    assertThat(checks.get("core-package").get("detail").asString())
        .startsWith("cannot reach http://127.0.0.1:9/heron-core.tar.gz");
    assertThat(checks.get("scheduler").get("ok").asBoolean()).isFalse();
    assertThat(checks.get("scheduler").get("detail").asString())
        .contains("static http://127.0.0.1:9");
    assertThat(checks.get("package-endpoint").get("ok").asBoolean()).isTrue();
    // The Heron root is writable, and nothing is left behind.
    assertThat(checks.get("heron-root").get("ok").asBoolean()).isTrue();
    if (SharedZooKeeper.client().checkExists().forPath("/heron-offline") != null) {
      assertThat(SharedZooKeeper.client().getChildren().forPath("/heron-offline"))
          .noneMatch(child -> child.startsWith(".heroncp-preflight-"));
    }
  }

  @Test
  void unknownClusterAnswers422NamingTheKnownOnes() {
    HttpResponse<String> response = preflight("nowhere");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(json(response).get("field").asString()).isEqualTo("cluster");
    assertThat(json(response).get("message").asString()).contains("local", "offline");
  }

  @Test
  void packageEndpointCheckFailsWhenThePublicBaseUrlReachesSomethingElse() {
    Preflight elsewhere =
        new Preflight(
            clusters,
            cluster -> {
              throw new AssertionError("not needed");
            },
            SharedZooKeeper.client(),
            () -> URI.create("http://127.0.0.1:" + port + "/actuator/health"),
            packageStore::probe,
            java.time.Duration.ofSeconds(5));

    PreflightReport report = elsewhere.run("local");

    PreflightReport.Check endpoint =
        report.checks().stream()
            .filter(c -> c.name().equals("package-endpoint"))
            .findFirst()
            .orElseThrow();
    assertThat(endpoint.ok()).isFalse();
    assertThat(endpoint.detail()).contains("answered 200", "heroncp.packages.public-base-url");
    PreflightReport.Check scheduler =
        report.checks().stream()
            .filter(c -> c.name().equals("scheduler"))
            .findFirst()
            .orElseThrow();
    assertThat(scheduler.ok()).isFalse();
    assertThat(report.ok()).isFalse();
  }
}
