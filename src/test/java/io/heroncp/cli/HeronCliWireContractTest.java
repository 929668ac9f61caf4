package io.heroncp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.ServiceTest;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The wire contract Heron's own CLI (server mode, {@code --service-url}) relies on (reference
 * heron.md §1.4, §2.2): requests built byte for byte as its Python {@code requests} calls send
 * them, and only the members of the answers it reads ({@code name/cluster/role/environment} on 201,
 * {@code response} on a dry run's 200, 200 on kill, {@code message} on errors).
 */
class HeronCliWireContractTest extends ServiceTest {

  /**
   * A multipart body as Python requests/urllib3 encode {@code requests.post(url, data=...,
   * files=...)}: a 32-hex boundary, the data fields first, then the files, no Content-Type on any
   * part.
   */
  static final class RequestsMultipart {
    private final String boundary = UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    RequestsMultipart field(String name, String value) {
      write(
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + name
              + "\"\r\n\r\n"
              + value
              + "\r\n");
      return this;
    }

    RequestsMultipart file(String name, String fileName, byte[] content) {
      write(
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + name
              + "\"; filename=\""
              + fileName
              + "\"\r\n\r\n");
      body.writeBytes(content);
      write("\r\n");
      return this;
    }

    HttpRequest post(java.net.URI uri) {
      write("--" + boundary + "--\r\n");
      return HttpRequest.newBuilder(uri)
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
          .build();
    }

    private void write(String s) {
      body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * {@code heron submit --service-url URL cluster/role/env topology.jar Class --config-property
   * ...}.
   */
  private RequestsMultipart heronSubmit(String name, String environment) {
    return new RequestsMultipart()
        .field("name", name)
        .field("cluster", "local")
        .field("role", "heronrole")
        .field("environment", environment)
        .field("user", "heronuser")
        // Heron's CLI turns "true"/"false" values into Python booleans, sent as True/False.
        .field("topology.stmgrs", "3")
        .field("topology.debug", "True");
  }

  private RequestsMultipart withFiles(RequestsMultipart form, String name) {
    return form.file(
            "definition",
            name + ".defn",
            HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, name))
        .file(
            "topology",
            "word-count.jar",
            HeronDefinitions.topologyJar(HeronDefinitions.WORD_COUNT));
  }

  private static void assertHeronCanPrintTheError(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isNotIn(200, 201);
    assertThat(json(response).get("message").asString()).isNotBlank();
  }

  @Test
  void heronCliSubmitIsCreatedWithTheMembersItReadsAndKillAnswers200() {
    HttpResponse<String> submitted =
        send(
            withFiles(heronSubmit("WireSubmit", "devel"), "WireSubmit")
                .post(uri("/api/v1/topologies")));

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    JsonNode body = json(submitted);
    assertThat(body.get("name").asString()).isEqualTo("WireSubmit");
    assertThat(body.get("cluster").asString()).isEqualTo("local");
    assertThat(body.get("role").asString()).isEqualTo("heronrole");
    assertThat(body.get("environment").asString()).isEqualTo("devel");
    assertThat(submitted.headers().firstValue("Location"))
        .hasValue("/api/v1/topologies/local/heronrole/devel/WireSubmit");
    JsonNode stored = json(get("/api/v1/topologies/local/heronrole/devel/WireSubmit"));
    assertThat(stored.get("submitter").asString()).isEqualTo("heronuser");
    assertThat(stored.at("/packing_plan/containers").asInt())
        .as("--config-property topology.stmgrs=3")
        .isEqualTo(3);

    HttpResponse<String> killed =
        send(
            HttpRequest.newBuilder(uri("/api/v1/topologies/local/heronrole/devel/WireSubmit"))
                .DELETE()
                .build());
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    assertThat(get("/api/v1/topologies/local/heronrole/devel/WireSubmit").statusCode())
        .isEqualTo(404);
  }

  @Test
  void heronCliDryRunAnswers200WithAResponseToPrint() {
    // heron submit local/heronrole (no env): Heron's CLI sends environment="" and dry_run=True.
    HttpResponse<String> dryRun =
        send(
            withFiles(heronSubmit("WireDryRun", "").field("dry_run", "True"), "WireDryRun")
                .post(uri("/api/v1/topologies")));

    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    JsonNode body = json(dryRun);
    assertThat(body.get("response").isNull() || body.get("response").isMissingNode()).isFalse();
    assertThat(body.get("environment").asString())
        .as("the cluster's default environment")
        .isEqualTo("devel");
    assertThat(get("/api/v1/topologies/local/heronrole/devel/WireDryRun").statusCode())
        .isEqualTo(404);
  }

  @Test
  void heronCliErrorsCarryTheMessageItPrints() {
    HttpResponse<String> unknownCluster =
        send(
            withFiles(
                    new RequestsMultipart()
                        .field("name", "WireError")
                        .field("cluster", "nowhere")
                        .field("role", "heronrole")
                        .field("environment", "devel")
                        .field("user", "heronuser"),
                    "WireError")
                .post(uri("/api/v1/topologies")));
    HttpResponse<String> missing =
        send(
            new RequestsMultipart()
                .field("name", "WireMissing")
                .field("cluster", "local")
                .post(uri("/api/v1/topologies")));
    HttpResponse<String> killMissing =
        send(
            HttpRequest.newBuilder(uri("/api/v1/topologies/local/heronrole/devel/WireNone"))
                .DELETE()
                .build());

    assertHeronCanPrintTheError(unknownCluster);
    assertThat(unknownCluster.statusCode()).isEqualTo(422);
    assertThat(json(unknownCluster).get("message").asString()).contains("nowhere");
    assertHeronCanPrintTheError(missing);
    assertThat(missing.statusCode()).isEqualTo(422);
    assertThat(json(missing).at("/errors/missing_parameters"))
        .extracting(JsonNode::asString)
        .contains("role", "definition", "topology");
    assertHeronCanPrintTheError(killMissing);
    assertThat(killMissing.statusCode())
        .as("heron-apiserver answers 404 for 'does not exist'")
        .isEqualTo(404);
  }

  /** {@code requests.post(url)} with no data: no Content-Type, an empty body. */
  private HttpResponse<String> heronPost(String path) {
    return send(
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  /** {@code requests.post(url, data=[(k, v), ...])}: url-encoded, repeated keys kept. */
  private HttpResponse<String> heronPostForm(String path, String form) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  @Test
  void heronCliRuntimeVerbsGetTheAnswersItExpects() {
    HttpResponse<String> submitted =
        send(
            withFiles(heronSubmit("WireVerbs", "devel"), "WireVerbs")
                .post(uri("/api/v1/topologies")));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(
            () ->
                io.heroncp.support.SharedZooKeeper.client()
                        .checkExists()
                        .forPath("/heron/tmanagers/WireVerbs")
                    != null);
    String topology = "/api/v1/topologies/local/heronrole/devel/WireVerbs";

    // heron deactivate / activate: POST without a body; success is exactly 200.
    assertThat(heronPost(topology + "/deactivate").statusCode()).isEqualTo(200);
    assertThat(heronPost(topology + "/activate").statusCode()).isEqualTo(200);
    assertHeronCanPrintTheError(heronPost(topology + "/activate"));
    // heron restart [container-id]: data={'container_id': n}, -1 for all.
    assertThat(heronPostForm(topology + "/restart", "container_id=-1").statusCode()).isEqualTo(200);
    assertThat(heronPostForm(topology + "/restart", "container_id=2").statusCode()).isEqualTo(200);
    // Restarting container 0 replaced the topology manager: an update (which deactivates first)
    // waits for it.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(
            () ->
                io.heroncp.support.SharedZooKeeper.client()
                        .checkExists()
                        .forPath("/heron/tmanagers/WireVerbs")
                    != null);
    // heron update --dry-run: repeated keys, dry_run=True, the lowercase format; the rendering is
    // in `response`.
    HttpResponse<String> dryRun =
        heronPostForm(
            topology + "/update",
            "component_parallelism=split%3A3&component_parallelism=count%3A3&dry_run=True&dry_run_format=table");
    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    assertThat(json(dryRun).get("response").asString()).contains("proposed packing plan");
    HttpResponse<String> updated =
        heronPostForm(topology + "/update", "component_parallelism=split%3A3");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertHeronCanPrintTheError(heronPostForm(topology + "/update", "container_number=x"));
    // heron kill: DELETE, 200.
    assertThat(send(HttpRequest.newBuilder(uri(topology)).DELETE().build()).statusCode())
        .isEqualTo(200);
  }
}
