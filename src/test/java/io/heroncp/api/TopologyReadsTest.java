package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.topology.TopologyKey;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads as a user makes them over HTTP, answered from views rendered once per record (and
 * observation): list pages hold the same topology as GET of one (without its live Aurora data),
 * show a change in the very next page, walk in cluster/name order and filter; GET of one follows
 * every record change and every new observation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopologyReadsTest extends ServiceTest {

  private static final String ROLE = "pager";
  private static final List<String> NAMES = List.of("PagerA", "PagerB", "PagerC");

  @Autowired private RenderedViews views;
  @Autowired private WebServerApplicationContext server;

  @BeforeAll
  void submitThree() {
    for (String name : NAMES) {
      HttpResponse<String> submitted = post("/api/v1/topologies", submitForm(name));
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    }
    for (String name : NAMES) {
      awaitState(path(name), "RUNNING");
    }
  }

  @AfterAll
  void killThem() {
    for (String name : NAMES) {
      delete(path(name));
    }
  }

  @Test
  void aListedTopologyIsItsGetWithoutTheLiveAuroraData() {
    for (JsonNode listed : page("role=" + ROLE).get("topologies")) {
      String name = listed.get("name").asString();
      ObjectNode described = (ObjectNode) json(get(path(name)));
      ObjectNode aurora = (ObjectNode) described.get("aurora");
      aurora.remove(List.of("observation", "observed_at", "tasks", "last_failure", "error"));
      assertThat(listed).as(name).isEqualTo(described);
    }
  }

  @Test
  void aChangedTopologyShowsInTheNextPageAtOnce() {
    // Read the page first, so each topology's list view has been rendered once.
    assertThat(states(page("role=" + ROLE))).containsOnly("RUNNING");

    JsonNode deactivated = verb("PagerB", "deactivate");
    JsonNode after = page("role=" + ROLE);
    JsonNode listed = after.get("topologies").get(1);
    assertThat(listed.get("name").asString()).isEqualTo("PagerB");
    assertThat(listed.get("state").asString()).isEqualTo("PAUSED");
    assertThat(listed.get("updated_at")).isEqualTo(deactivated.get("updated_at"));
    assertThat(listed.get("last_operation_id").asString())
        .isEqualTo(deactivated.at("/operation/id").asString());
    assertThat(names(page("role=" + ROLE + "&state=paused"))).containsExactly("PagerB");

    verb("PagerB", "activate");
    assertThat(states(page("role=" + ROLE))).containsOnly("RUNNING");
    assertThat(page("role=" + ROLE + "&state=PAUSED").get("topologies")).isEmpty();
  }

  @Test
  void pagesWalkInNameOrderAndAChangeBehindTheTokenDoesNotRepeatATopology() {
    JsonNode first = page("role=" + ROLE + "&page_size=2");
    assertThat(names(first)).containsExactly("PagerA", "PagerB");
    String token = first.get("next_page_token").asString();

    // A change to a topology already listed neither moves it nor lists it again.
    verb("PagerA", "deactivate");
    JsonNode second = page("role=" + ROLE + "&page_size=2&page_token=" + token);
    assertThat(names(second)).containsExactly("PagerC");
    assertThat(second.has("next_page_token")).isFalse();

    List<String> walked = new ArrayList<>();
    String next = null;
    do {
      JsonNode onePage =
          page("role=" + ROLE + "&page_size=1" + (next == null ? "" : "&page_token=" + next));
      walked.addAll(names(onePage));
      next = onePage.has("next_page_token") ? onePage.get("next_page_token").asString() : null;
    } while (next != null);
    assertThat(walked).containsExactlyElementsOf(NAMES);
    verb("PagerA", "activate");
  }

  @Test
  void filtersSelectByClusterRoleEnvironmentAndState() {
    assertThat(names(page("cluster=local&role=" + ROLE + "&environment=devel&state=running")))
        .containsExactlyElementsOf(NAMES);
    assertThat(page("role=" + ROLE + "&environment=prod").get("topologies")).isEmpty();
    assertThat(page("role=" + ROLE + "&cluster=tiered").get("topologies")).isEmpty();
    assertThat(page("role=" + ROLE + "&state=KILLED").get("topologies")).isEmpty();
    // Other roles' topologies are left out, whatever else is recorded.
    assertThat(page("role=" + ROLE).get("topologies"))
        .allSatisfy(t -> assertThat(t.get("role").asString()).isEqualTo(ROLE));
  }

  @Test
  void getOfOneShowsEachNewObservationAndRecordChangeAtOnce() {
    String path = path("PagerC");
    HttpResponse<String> first = get(path);
    assertThat(first.headers().firstValue("Content-Length"))
        .as("one write, not a chunked stream")
        .hasValue(Integer.toString(first.body().getBytes(StandardCharsets.UTF_8).length));
    assertThat(first.headers().firstValue("ETag")).isPresent();
    Instant observedAt = Instant.parse(json(first).at("/aurora/observed_at").asString());
    assertThat(json(first).at("/aurora/observation").asString()).isEqualTo("CURRENT");

    // The status watcher polls every 200 ms here: a later GET shows a later observation.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(Instant.parse(json(get(path)).at("/aurora/observed_at").asString()))
                    .isAfter(observedAt));

    JsonNode deactivated = verb("PagerC", "deactivate");
    HttpResponse<String> after = get(path);
    assertThat(json(after).get("state").asString()).isEqualTo("PAUSED");
    assertThat(json(after).get("updated_at")).isEqualTo(deactivated.get("updated_at"));
    assertThat(after.headers().firstValue("ETag")).isNotEqualTo(first.headers().firstValue("ETag"));
    verb("PagerC", "activate");
    assertThat(json(get(path)).get("state").asString()).isEqualTo("RUNNING");
  }

  @Test
  void aKilledTopologyLeavesThePageAndItsRenderingAtOnce() {
    String name = "PagerGone";
    HttpResponse<String> submitted = post("/api/v1/topologies", submitForm(name));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(names(page("role=" + ROLE))).contains(name);
    assertThat(get(path(name)).statusCode()).isEqualTo(200);
    TopologyKey key = new TopologyKey("local", ROLE, "devel", name);
    assertThat(views.keeps(key)).isTrue();

    HttpResponse<String> killed = delete(path(name));
    assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
    assertThat(names(page("role=" + ROLE))).containsExactlyElementsOf(NAMES);
    assertThat(get(path(name)).statusCode()).isEqualTo(404);
    assertThat(views.keeps(key)).as("no rendering outlives its record").isFalse();
  }

  @Test
  void tomcatHandsLargeAnswersToTheSocketInLargeWrites() {
    // heroncp.http.socket-write-buffer: a page of about 150 KB in three writes, not twenty.
    assertThat(
            ((TomcatWebServer) server.getWebServer())
                .getTomcat()
                .getConnector()
                .getProperty("socket.appWriteBufSize"))
        .hasToString(Integer.toString(64 * 1024));
  }

  private JsonNode page(String query) {
    HttpResponse<String> response = get("/api/v1/topologies?" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    return json(response);
  }

  private JsonNode verb(String name, String verb) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri(path(name) + "/" + verb))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(""))
                .build());
    assertThat(response.statusCode()).as(verb + ": " + response.body()).isEqualTo(200);
    return json(response);
  }

  private static List<String> names(JsonNode page) {
    List<String> names = new ArrayList<>();
    page.get("topologies").forEach(t -> names.add(t.get("name").asString()));
    return names;
  }

  private static List<String> states(JsonNode page) {
    List<String> states = new ArrayList<>();
    page.get("topologies").forEach(t -> states.add(t.get("state").asString()));
    return states;
  }

  private static Multipart submitForm(String name) {
    return Multipart.submit("local", ROLE, "devel", name, HeronDefinitions.SINGLE_SPOUT);
  }

  private static String path(String name) {
    return "/api/v1/topologies/local/" + ROLE + "/devel/" + name;
  }
}
