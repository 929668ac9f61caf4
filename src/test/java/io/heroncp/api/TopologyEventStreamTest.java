package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.EventStream;
import io.heroncp.support.EventStream.Event;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import io.heroncp.support.SharedZooKeeper;
import io.heroncp.topology.JobStatus;
import io.heroncp.topology.ObservedStatus;
import io.heroncp.topology.TopologyEventHub;
import io.heroncp.topology.TopologyKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The event streams over real HTTP, against real ZooKeeper and the simulator: what a watching
 * client sees of lifecycle verbs, how it resumes, and what the bounds do.
 */
class TopologyEventStreamTest extends ServiceTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Autowired TopologyEventHub hub;

  private final OpenApiBodies spec = OpenApiBodies.load(Path.of("openapi.yaml"));
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeStreams() throws Exception {
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
  }

  @Test
  void aWatcherReceivesTheStateChangesOfDeactivateThenActivateInOrder() {
    String path = submitRunning("events", "Watched1");
    EventStream stream = open(path + "/events", null);
    await().atMost(WAIT).until(() -> !stream.events().isEmpty());
    Event snapshot = stream.events().get(0);
    assertThat(snapshot.name()).isEqualTo("snapshot");
    JsonNode topologies = snapshot.json().get("topologies");
    assertThat(topologies).hasSize(1);
    assertThat(topologies.get(0).get("key").asString()).isEqualTo("local/events/devel/Watched1");
    assertThat(topologies.get(0).get("state").asString()).isEqualTo("RUNNING");

    assertThat(post(path + "/deactivate").statusCode()).isEqualTo(200);
    assertThat(post(path + "/activate").statusCode()).isEqualTo(200);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(states(stream)).containsExactly("RUNNING->PAUSED", "PAUSED->RUNNING");
              assertThat(operations(stream))
                  .containsExactly(
                      "started DEACTIVATE RUNNING",
                      "ended DEACTIVATE SUCCEEDED",
                      "started ACTIVATE RUNNING",
                      "ended ACTIVATE SUCCEEDED");
            });
    JsonNode paused = stream.events("state").get(0).json();
    assertThat(paused.get("key").asString()).isEqualTo("local/events/devel/Watched1");
    assertThat(Instant.parse(paused.get("at").asString())).isBeforeOrEqualTo(Instant.now());
    JsonNode ended = stream.events("operation").get(1).json().get("operation");
    assertThat(ended.get("requester").asString()).isNotBlank();
    assertThat(Instant.parse(ended.get("ended_at").asString()))
        .isAfterOrEqualTo(Instant.parse(ended.get("started_at").asString()));

    assertThat(delete(path).statusCode()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(states(stream)).endsWith("KILLING->KILLED"));

    List<Event> events = stream.events();
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).epoch()).isEqualTo(events.get(0).epoch());
      assertThat(events.get(i).sequence()).isGreaterThan(events.get(i - 1).sequence());
    }
    events.forEach(this::assertMatchesItsSchema);
  }

  @Test
  void aClientResumingWithLastEventIdGetsEveryLaterEventOnceWithoutGaps() {
    String path = submitRunning("events", "Resumed1");
    EventStream first = open("/api/v1/events", null);
    await().atMost(WAIT).until(() -> !first.events().isEmpty());
    Event snapshot = first.events().get(0);
    assertThat(snapshot.name()).isEqualTo("snapshot");

    assertThat(post(path + "/deactivate").statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> stateEvents(first, "Resumed1").contains("RUNNING->PAUSED"));
    first.close();
    List<Event> seen = first.events().subList(1, first.events().size());
    // While disconnected.
    assertThat(post(path + "/activate").statusCode()).isEqualTo(200);

    EventStream resumed = open("/api/v1/events", snapshot.id());
    await().atMost(WAIT).until(() -> stateEvents(resumed, "Resumed1").contains("PAUSED->RUNNING"));
    List<Event> got = resumed.events();
    assertThat(got).noneMatch(e -> e.name().equals("snapshot"));
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i).id())
          .as("event %d after the snapshot", i + 1)
          .isEqualTo(snapshot.epoch() + "-" + (snapshot.sequence() + 1 + i));
    }
    assertThat(got.subList(0, seen.size())).containsExactlyElementsOf(seen);
    assertThat(stateEvents(resumed, "Resumed1"))
        .containsExactly("RUNNING->PAUSED", "PAUSED->RUNNING");

    // From the middle: the events after that one, the first of them next.
    Event middle = got.get(seen.size() - 1);
    EventStream again = open("/api/v1/events", middle.id());
    await().atMost(WAIT).until(() -> !again.events().isEmpty());
    assertThat(again.events().get(0).sequence()).isEqualTo(middle.sequence() + 1);
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownOrUnresumableLastEventIdGetsOneSnapshot() {
    String path = submitRunning("events", "Snapshot1");
    EventStream fresh = open(path + "/events", null);
    await().atMost(WAIT).until(() -> !fresh.events().isEmpty());
    String epoch = fresh.events().get(0).epoch();

    for (String lastEventId :
        List.of("othereplica-12", "not an id", epoch + "-999999999999", epoch + "-x")) {
      EventStream stream = open(path + "/events", lastEventId);
      await().atMost(WAIT).until(() -> !stream.events().isEmpty());
      Event first = stream.events().get(0);
      assertThat(first.name()).as(lastEventId).isEqualTo("snapshot");
      assertThat(first.epoch()).isEqualTo(epoch);
      JsonNode topology = first.json().get("topologies").get(0);
      assertThat(topology.get("key").asString()).isEqualTo("local/events/devel/Snapshot1");
      assertThat(topology.get("state").asString()).isEqualTo("RUNNING");
      assertMatchesItsSchema(first);
    }
    assertThat(delete(path).statusCode()).isEqualTo(200);
    HttpResponse<String> gone = get(path + "/events");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(
            spec.violations(
                "GET",
                "/api/v1/topologies/{cluster}/{role}/{environment}/{name}/events",
                404,
                gone.headers().firstValue("Content-Type").orElse(""),
                gone.body()))
        .isEmpty();
  }

  @Test
  void aClientThatDoesNotReadNeitherBlocksAnotherNorStaysOpen() throws Exception {
    String path = submitRunning("events", "Slow1");
    String topologyId = json(get(path)).get("id").asString();
    TopologyKey key = new TopologyKey("local", "events", "devel", "Slow1");
    Socket slow = new Socket();
    opened.add(slow);
    slow.setReceiveBufferSize(4096);
    slow.connect(new InetSocketAddress("127.0.0.1", port));
    slow.getOutputStream()
        .write(
            ("GET "
                    + path
                    + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    EventStream fast = open(path + "/events", null);
    await().atMost(WAIT).until(() -> !fast.events().isEmpty());

    // ~36 KB each, 5 MB in all: far more than the socket buffers and the slow client's queue.
    int total = 150;
    for (int i = 0; i < total; i++) {
      hub.tasksChanged(
          key, null, new ObservedStatus(topologyId, bigJob(i), Instant.now(), null, null));
      if (i % 10 == 9) {
        int sent = i + 1;
        await().atMost(WAIT).until(() -> marks(fast).size() >= sent);
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      expected.add(i);
    }
    assertThat(marks(fast)).containsExactlyElementsOf(expected);

    // The slow client was cut off: what it gets is a prefix, then the end of the response.
    String received = readUntilTheResponseEnds(slow);
    List<Integer> slowMarks = new ArrayList<>();
    Matcher mark = Pattern.compile("\"MARK\":(\\d+)").matcher(received);
    while (mark.find()) {
      slowMarks.add(Integer.parseInt(mark.group(1)));
    }
    assertThat(slowMarks).hasSizeLessThan(total);
    assertThat(slowMarks).isEqualTo(expected.subList(0, slowMarks.size()));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void beyondTheSubscriberBoundAStreamIsRefusedWith503() {
    EventStream refused = null;
    for (int i = 0; i < 40 && refused == null; i++) {
      EventStream stream = open("/api/v1/events?role=bounded", null);
      if (stream.response().statusCode() != 200) {
        refused = stream;
      }
    }
    assertThat(refused).as("a stream beyond max-subscribers (24)").isNotNull();
    HttpResponse<?> response = refused.response();
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    assertThat(contentType).startsWith("application/problem+json");
    String body = refused.body();
    assertThat(JSON.readTree(body).get("type").asString())
        .isEqualTo("urn:heron-controlplane:problem:at-capacity");
    assertThat(JSON.readTree(body).get("detail").asString())
        .contains("heroncp.events.max-subscribers");
    assertThat(spec.violations("GET", "/api/v1/events", 503, contentType, body)).isEmpty();

    // A closed stream frees its place (noticed at its next heartbeat).
    for (AutoCloseable stream : opened) {
      try {
        stream.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    await()
        .atMost(WAIT)
        .until(() -> open("/api/v1/events?role=bounded", null).response().statusCode() == 200);
  }

  @Test
  void theEventsOfAllTopologiesAreFilteredByClusterRoleAndEnvironment() {
    EventStream mine = open("/api/v1/events?cluster=local&role=filtera", null);
    EventStream other = open("/api/v1/events?role=filterb&environment=devel", null);
    await().atMost(WAIT).until(() -> !mine.events().isEmpty() && !other.events().isEmpty());

    String path = submitRunning("filtera", "FilterA1");
    await()
        .atMost(WAIT)
        .until(() -> stateEvents(mine, "FilterA1").stream().anyMatch(s -> s.endsWith("->RUNNING")));
    // The other stream had its chance: a heartbeat comes only once its queue is empty.
    int beats = other.comments().size();
    await().atMost(WAIT).until(() -> other.comments().size() > beats);
    assertThat(other.events().subList(1, other.events().size())).isEmpty();
    assertThat(mine.events().subList(1, mine.events().size()))
        .allMatch(e -> e.json().get("role").asString().equals("filtera"));
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  @Test
  void aSilentStreamGetsHeartbeatComments() {
    EventStream stream = open("/api/v1/events?role=nobody-here", null);
    await().atMost(WAIT).until(() -> stream.comments().size() >= 2);
    assertThat(stream.comments()).allMatch(c -> c.equals("heartbeat"));
    assertThat(stream.events()).extracting(Event::name).containsExactly("snapshot");
    assertThat(stream.response().headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    assertThat(stream.response().headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(get("/actuator/prometheus").body())
        .containsPattern("(?m)^heroncp_event_streams [1-9][0-9]*\\.0$");
  }

  @Test
  void operationsRunOnOneReplicaReachTheWatchersOfAnother() throws Exception {
    String path = submitRunning("events", "Replicas1");
    int replicaPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      replicaPort = socket.getLocalPort();
    }
    ConfigurableApplicationContext replica =
        SpringApplication.run(
            HeronControlPlaneApplication.class,
            "--server.port=" + replicaPort,
            "--heroncp.zookeeper.connect-string=" + SharedZooKeeper.connectString(),
            "--heroncp.zookeeper.embedded.enabled=false",
            "--heroncp.simulator.enabled=false",
            "--heroncp.clusters.local.scheduler.zookeeper=" + SharedZooKeeper.connectString(),
            "--heroncp.packages.directory=" + SharedZooKeeper.packageDirectory());
    opened.add(replica::close);
    URI onReplica = URI.create("http://127.0.0.1:" + replicaPort + path + "/events");
    EventStream watcher = EventStream.open(onReplica, null);
    opened.add(watcher);
    await().atMost(WAIT).until(() -> !watcher.events().isEmpty());

    assertThat(post(path + "/deactivate").statusCode()).isEqualTo(200);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(operations(watcher))
                  .containsExactly("started DEACTIVATE RUNNING", "ended DEACTIVATE SUCCEEDED");
              assertThat(states(watcher)).containsExactly("RUNNING->PAUSED");
            });
    watcher.events().forEach(this::assertMatchesItsSchema);

    // A replica shutting down ends its streams first (its watchers reconnect elsewhere) rather
    // than holding up its graceful shutdown until they go.
    Thread closing = new Thread(replica::close);
    closing.start();
    await().atMost(Duration.ofSeconds(10)).until(watcher::endedByServer);
    closing.join();
    assertThat(delete(path).statusCode()).isEqualTo(200);
  }

  // --- helpers ---

  private EventStream open(String path, String lastEventId) {
    EventStream stream = EventStream.open(uri(path), lastEventId);
    opened.add(stream);
    return stream;
  }

  private HttpResponse<String> post(String path) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
  }

  /** Submits a one-spout topology and waits until it is RUNNING with its topology manager up. */
  private String submitRunning(String role, String name) {
    Multipart form = Multipart.submit("local", role, "devel", name, HeronDefinitions.SINGLE_SPOUT);
    HttpResponse<String> submitted = post("/api/v1/topologies", form);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String path = "/api/v1/topologies/local/" + role + "/devel/" + name;
    await()
        .atMost(WAIT)
        .until(
            () ->
                SharedZooKeeper.client().checkExists().forPath("/heron/tmanagers/" + name) != null
                    && json(get(path)).get("state").asString().equals("RUNNING"));
    return path;
  }

  /** The state events as "previous->state". */
  private static List<String> states(EventStream stream) {
    return stream.events("state").stream()
        .map(e -> e.json())
        .map(
            data ->
                (data.has("previous_state") ? data.get("previous_state").asString() : "null")
                    + "->"
                    + data.get("state").asString())
        .toList();
  }

  private static List<String> stateEvents(EventStream stream, String name) {
    return stream.events("state").stream()
        .map(e -> e.json())
        .filter(data -> data.get("name").asString().equals(name))
        .map(
            data ->
                (data.has("previous_state") ? data.get("previous_state").asString() : "null")
                    + "->"
                    + data.get("state").asString())
        .toList();
  }

  /** The operation events as "phase VERB OUTCOME". */
  private static List<String> operations(EventStream stream) {
    return stream.events("operation").stream()
        .map(e -> e.json())
        .map(
            data ->
                data.get("phase").asString()
                    + " "
                    + data.get("operation").get("verb").asString()
                    + " "
                    + data.get("operation").get("outcome").asString())
        .toList();
  }

  private void assertMatchesItsSchema(Event event) {
    String schema =
        switch (event.name()) {
          case "state" -> "TopologyStateEvent";
          case "conditions" -> "TopologyConditionsEvent";
          case "tasks" -> "TopologyTasksEvent";
          case "operation" -> "TopologyOperationEvent";
          case "snapshot" -> "TopologySnapshotEvent";
          default -> throw new AssertionError("undocumented event " + event);
        };
    assertThat(spec.validate(spec.schema(schema), event.data())).as(event.toString()).isEmpty();
  }

  private static JobStatus bigJob(int mark) {
    Map<String, Integer> tasks = new TreeMap<>();
    tasks.put("MARK", mark);
    for (int i = 0; i < 3000; i++) {
      tasks.put("S" + i, i);
    }
    return new JobStatus(true, tasks);
  }

  private static List<Integer> marks(EventStream stream) {
    return stream.events("tasks").stream()
        .map(e -> e.json().get("tasks"))
        .filter(tasks -> tasks.has("MARK"))
        .map(tasks -> tasks.get("MARK").asInt())
        .toList();
  }

  /** Reads the raw answer until its last chunk (or EOF); the body with chunk framing removed. */
  private static String readUntilTheResponseEnds(Socket socket) throws IOException {
    socket.setSoTimeout((int) WAIT.toMillis());
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    byte[] buffer = new byte[65536];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        raw.write(buffer, 0, n);
        if (endsWith(raw, "\r\n0\r\n\r\n")) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the slow client's stream stayed open", e);
    }
    String text = raw.toString(StandardCharsets.UTF_8);
    String body = text.substring(text.indexOf("\r\n\r\n") + 4);
    StringBuilder decoded = new StringBuilder();
    int at = 0;
    while (at < body.length()) {
      int lineEnd = body.indexOf("\r\n", at);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
      if (size == 0) {
        break;
      }
      decoded.append(body, lineEnd + 2, Math.min(body.length(), lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    return decoded.toString();
  }

  private static boolean endsWith(ByteArrayOutputStream raw, String suffix) {
    byte[] bytes = raw.toByteArray();
    byte[] end = suffix.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length < end.length) {
      return false;
    }
    for (int i = 0; i < end.length; i++) {
      if (bytes[bytes.length - end.length + i] != end[i]) {
        return false;
      }
    }
    return true;
  }
}
