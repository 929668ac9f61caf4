package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.metrics.ControlPlaneMetrics;
import io.heroncp.support.ServiceTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.THttpClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The status watcher end to end: reads cost Aurora nothing, {@code refresh=true} is one
 * rate-limited live call, and a job killed behind the service's back turns the topology FAILED with
 * a reason. The shared context polls every 200 ms.
 */
class ObservedStatusTest extends ServiceTest {

  private static final Duration POLL = Duration.ofMillis(200);

  @Autowired MeterRegistry meters;

  private String submitRunning(String name) {
    HttpResponse<String> submitted =
        post(
            "/api/v1/topologies",
            SubmitAndKillTest.submitForm(name, HeronDefinitions.SINGLE_SPOUT, "watched"));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String path = "/api/v1/topologies/local/watched/devel/" + name;
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> json(get(path)).at("/aurora/tasks/RUNNING").asInt() == 2);
    return path;
  }

  private double statusCalls(String trigger) {
    Counter counter =
        meters
            .find(ControlPlaneMetrics.AURORA_STATUS_CALLS)
            .tags("cluster", "local", "trigger", trigger)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  /** Every getTasksWithoutConfigs Thrift exchange with the local cluster, whoever made it. */
  private long taskQueries() {
    return meters.find(ControlPlaneMetrics.AURORA_CALLS).tags("cluster", "local").timers().stream()
        .filter(t -> "getTasksWithoutConfigs".equals(t.getId().getTag("method")))
        .mapToLong(Timer::count)
        .sum();
  }

  /** The most status polls a fixed-delay schedule can make in {@code elapsed}, plus one running. */
  private static long pollsWithin(Duration elapsed) {
    return elapsed.toMillis() / POLL.toMillis() + 2;
  }

  @Test
  void threeHundredGetsCauseNoAuroraCallsBeyondThePollSchedule() {
    String path = submitRunning("Watched1");
    JsonNode first = json(get(path));
    assertThat(first.at("/aurora/observation").asString()).isEqualTo("CURRENT");
    assertThat(Instant.parse(first.at("/aurora/observed_at").asString())).isNotNull();

    double pollsBefore = statusCalls("poll");
    double refreshesBefore = statusCalls("refresh");
    long queriesBefore = taskQueries();
    long start = System.nanoTime();
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).isEqualTo(200);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    long polls = (long) (statusCalls("poll") - pollsBefore);
    long queries = taskQueries() - queriesBefore;

    assertThat(statusCalls("refresh")).isEqualTo(refreshesBefore);
    assertThat(polls).as("polls in %s", elapsed).isLessThanOrEqualTo(pollsWithin(elapsed));
    assertThat(queries)
        .as("Thrift task queries in %s for 300 GETs", elapsed)
        .isLessThan(300)
        .isLessThanOrEqualTo(pollsWithin(elapsed));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void refreshMakesOneLiveCallAndIsRateLimitedPerTopology() {
    String path = submitRunning("Watched2");

    double before = statusCalls("refresh");
    Instant asked = Instant.now();
    long start = System.nanoTime();
    JsonNode refreshed = json(get(path + "?refresh=true"));
    for (int i = 0; i < 19; i++) {
      assertThat(get(path + "?refresh=true").statusCode()).isEqualTo(200);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    long refreshes = (long) (statusCalls("refresh") - before);

    assertThat(Instant.parse(refreshed.at("/aurora/observed_at").asString()))
        .as("the first refresh observed live")
        .isAfterOrEqualTo(asked.minusMillis(50));
    assertThat(refreshed.at("/aurora/tasks/RUNNING").asInt()).isEqualTo(2);
    assertThat(refreshes)
        .as("live refreshes of 20 in %s", elapsed)
        .isGreaterThanOrEqualTo(1)
        .isLessThanOrEqualTo(elapsed.toMillis() / POLL.toMillis() + 1)
        .isLessThan(20);
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void aJobKilledThroughAurorasApiTurnsTheTopologyFailedWithAReason() throws Exception {
    String path = submitRunning("Watched3");

    THttpClient transport = new THttpClient("http://127.0.0.1:" + SIMULATOR_PORT + "/api");
    // Aurora's own wire: binary Thrift over HTTP, as any Aurora client outside the service.
    transport.setCustomHeader("Content-Type", "application/vnd.apache.thrift.binary");
    transport.setCustomHeader("Accept", "application/vnd.apache.thrift.binary");
    try {
      Response killed =
          new AuroraSchedulerManager.Client(new TBinaryProtocol(transport))
              .killTasks(
                  new JobKey("watched", "devel", "Watched3"), null, "killed outside the service");
      assertThat(killed.getResponseCode()).isEqualTo(ResponseCode.OK);
    } finally {
      transport.close();
    }
    Instant killedAt = Instant.now();

    // KILLING lasts 100 ms here, then two polls of 200 ms; a few intervals of slack on busy cores.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> json(get(path)).get("state").asString().equals("FAILED"));
    JsonNode failed = json(get(path));
    assertThat(failed.at("/failure/reason").asString()).isEqualTo("AuroraJobVanished");
    assertThat(failed.at("/failure/message").asString())
        .contains("local/watched/devel/Watched3")
        .contains("no active task");
    assertThat(Instant.parse(failed.at("/failure/since").asString())).isAfter(killedAt);
    // Within two polls after the kill took effect (KILLING 100 ms), with slack for busy cores.
    assertThat(Duration.between(killedAt, Instant.parse(failed.at("/failure/since").asString())))
        .isLessThan(Duration.ofMillis(100).plus(POLL.multipliedBy(2)).plusSeconds(1));
    // The history says so too: a FAIL entry by the service with the reason.
    JsonNode newest = json(get(path + "/history")).get("operations").get(0);
    assertThat(newest.get("verb").asString()).isEqualTo("FAIL");
    assertThat(newest.get("requester").asString()).isEqualTo("heron-controlplane");
    assertThat(newest.get("outcome").asString()).isEqualTo("FAILED");
    assertThat(newest.at("/parameters/reason").asString()).isEqualTo("AuroraJobVanished");
    assertThat(newest.at("/error/detail").asString()).contains("no active task");
    assertThat(newest.get("target_state").asString()).isEqualTo("FAILED");
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }
}
