package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.simulator.AuroraSimulator;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * In the open local mode too, a browser page of another origin cannot drive the API (a cross-site
 * "simple" form POST to 127.0.0.1:8080 would otherwise submit or kill topologies); CLIs, which send
 * no Origin, are unaffected.
 */
class CrossOriginTest extends ServiceTest {

  @Autowired AuroraSimulator simulator;

  private static Multipart form(String name) {
    return Multipart.submit("local", "alice", "devel", name, HeronDefinitions.SINGLE_SPOUT);
  }

  private Set<JobConfiguration> aliceJobs() {
    return simulator.getJobs("alice").getResult().getGetJobsResult().getConfigs();
  }

  @Test
  void aPostFromAnotherOriginIsRefusedAndChangesNothing() throws Exception {
    Multipart form =
        Multipart.submit("local", "alice", "devel", "EvilOrigin1", HeronDefinitions.SINGLE_SPOUT);

    HttpResponse<String> refused =
        send(
            HttpRequest.newBuilder(uri("/api/v1/topologies"))
                .header("Origin", "http://evil.example")
                .header("Content-Type", form.contentType())
                .POST(form.publisher())
                .build());

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(json(refused).get("message").asString()).contains("http://evil.example");
    assertThat(SharedZooKeeper.client().checkExists().forPath("/heron/topologies/EvilOrigin1"))
        .isNull();
    assertThat(get("/api/v1/topologies/local/alice/devel/EvilOrigin1").statusCode()).isEqualTo(404);
    assertThat(aliceJobs())
        .noneSatisfy(job -> assertThat(job.getKey().getName()).isEqualTo("EvilOrigin1"));
  }

  @Test
  void aKillFromAnotherOriginIsRefusedAndTheTopologyKeepsRunning() throws Exception {
    HttpResponse<String> submitted = post("/api/v1/topologies", form("EvilOriginKill1"));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String path = "/api/v1/topologies/local/alice/devel/EvilOriginKill1";
    String state = json(get(path)).get("state").asString();

    HttpResponse<String> killed =
        send(
            HttpRequest.newBuilder(uri(path))
                .header("Origin", "http://evil.example")
                .DELETE()
                .build());
    HttpResponse<String> formKill =
        send(
            HttpRequest.newBuilder(uri(path + "/deactivate"))
                .header("Origin", "http://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());

    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(403);
    assertThat(formKill.statusCode()).as(formKill.body()).isEqualTo(403);
    assertThat(json(get(path)).get("state").asString()).isEqualTo(state).isNotEqualTo("KILLED");
    assertThat(json(get(path + "/history")).at("/operations").size()).isEqualTo(1);
    assertThat(SharedZooKeeper.client().checkExists().forPath("/heron/topologies/EvilOriginKill1"))
        .isNotNull();
    assertThat(aliceJobs())
        .anySatisfy(job -> assertThat(job.getKey().getName()).isEqualTo("EvilOriginKill1"));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void aCrossSiteFormPostWithoutOriginIsRefused() {
    HttpResponse<String> refused =
        send(
            HttpRequest.newBuilder(uri("/api/v1/topologies/local/alice/devel/X/restart"))
                .header("Sec-Fetch-Site", "cross-site")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("container_id=-1"))
                .build());

    assertThat(refused.statusCode()).isEqualTo(403);
  }

  @Test
  void requestsWithoutOriginAreServedAsBefore() {
    assertThat(get("/api/v1/version").statusCode()).isEqualTo(200);
  }
}
