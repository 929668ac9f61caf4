package io.heroncp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heroncp.cli.HeronCli.Result;
import io.heroncp.heron.HeronDefinitions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outcomes of {@code submit --wait} that the service cannot be made to produce on demand (a
 * topology that fails while starting, one that never settles, a stream the service ends), against a
 * stand-in of the service's two endpoints that answers with the event stream format the service
 * writes (see TopologyEventStreamTest for the service's own events).
 */
class HeronCliWaitOutcomesTest {

  private static final String KEY =
      "\"key\":\"local/alice/devel/CliStub\",\"cluster\":\"local\","
          + "\"role\":\"alice\",\"environment\":\"devel\",\"name\":\"CliStub\"";
  private static final String STARTING =
      "id:s1-7\nevent:snapshot\ndata:{\"topologies\":[{"
          + KEY
          + ",\"id\":\"CliStub-1\",\"state\":\"STARTING\",\"settles_to\":\"RUNNING\","
          + "\"updated_at\":\"2026-12-06T22:00:00Z\"}]}\n\n";

  @TempDir static Path dir;
  static Path jar;

  private HttpServer server;
  private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);

  @BeforeAll
  static void writeTopologyJar() {
    jar =
        HeronDefinitions.writeTopologyJar(
            HeronDefinitions.WORD_COUNT, dir.resolve("word-count.jar"));
  }

  @AfterEach
  void stop() {
    done.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * Serves the submit's 201 and, per connection to the event stream, the next of {@code streams}.
   */
  private HeronCli serve(String... streams) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/api/v1/topologies",
        exchange -> {
          if (exchange.getRequestMethod().equals("POST")) {
            exchange.getRequestBody().readAllBytes();
            respond(exchange, 201, "application/json", "{" + KEY + ",\"state\":\"STARTING\"}");
            return;
          }
          String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
          lastEventIds.add(lastEventId == null ? "" : lastEventId);
          int connection = lastEventIds.size() - 1;
          if (connection >= streams.length) {
            respond(exchange, 500, "text/plain", "no more streams");
            return;
          }
          String stream = streams[connection];
          if (stream.startsWith("{")) {
            respond(exchange, 404, "application/problem+json", stream);
            return;
          }
          boolean keepOpen = stream.endsWith("...");
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(stream.replace("...", "").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (keepOpen && !done.await(200, TimeUnit.MILLISECONDS)) {
              out.write(":heartbeat\n\n".getBytes(StandardCharsets.UTF_8));
              out.flush();
            }
          } catch (IOException | InterruptedException gone) {
            // the client stopped reading
          }
        });
    server.start();
    return HeronCli.against("http://127.0.0.1:" + server.getAddress().getPort())
        .withEnv("HERON_CLI_CLASSPATH", HeronCli.heronApiJar());
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Result submitWait(HeronCli cli, String... flags) {
    String[] args = new String[flags.length + 6];
    args[0] = "submit";
    args[1] = "--wait";
    System.arraycopy(flags, 0, args, 2, flags.length);
    args[flags.length + 2] = "local/alice/devel";
    args[flags.length + 3] = jar.toString();
    args[flags.length + 4] = HeronCliTest.MAIN_CLASS;
    args[flags.length + 5] = "CliStub";
    return cli.run(args);
  }

  @Test
  void aTopologyThatFailsWhileStartingEndsTheWaitWithExit104AndItsReason() throws IOException {
    HeronCli cli =
        serve(
            STARTING
                + "id:s1-8\nevent:tasks\ndata:{"
                + KEY
                + ",\"exists\":true,\"tasks\":{\"FAILED\":1,\"PENDING\":2},"
                + "\"observed_at\":\"2026-12-06T22:00:02Z\",\"last_failure\":{\"instance\":1,"
                + "\"task_id\":\"t-1\",\"status\":\"FAILED\",\"message\":\"fetch failed\","
                + "\"time\":\"2026-12-06T22:00:01Z\"}}\n\n"
                + "id:s1-9\nevent:conditions\ndata:{"
                + KEY
                + ",\"conditions\":[{\"type\":\"AuroraTasksRunning\",\"status\":\"False\","
                + "\"reason\":\"TasksFailing\",\"message\":\"1 of 3 instances failed\","
                + "\"last_transition_time\":\"2026-12-06T22:00:02Z\"}]}\n\n"
                // Every condition again, one of them changed: only that one is printed.
                + "id:s1-10\nevent:conditions\ndata:{"
                + KEY
                + ",\"conditions\":[{\"type\":\"AuroraTasksRunning\",\"status\":\"False\","
                + "\"reason\":\"TasksFailing\",\"message\":\"1 of 3 instances failed\","
                + "\"last_transition_time\":\"2026-12-06T22:00:02Z\"},{\"type\":\"Healthy\","
                + "\"status\":\"False\",\"reason\":\"TasksFailing\","
                + "\"last_transition_time\":\"2026-12-06T22:00:03Z\"}]}\n\n"
                + "id:s1-11\nevent:state\ndata:{"
                + KEY
                + ",\"state\":\"FAILED\",\"previous_state\":\"STARTING\",\"failure\":{"
                + "\"reason\":\"TasksFailing\",\"message\":\"instance 1 cannot fetch its package\","
                + "\"since\":\"2026-12-06T22:00:03Z\"},\"at\":\"2026-12-06T22:00:03Z\"}\n\n...");

    Result result = submitWait(cli);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(104);
    assertThat(result.stdout())
        .isEqualTo(
            "Submitted local/alice/devel/CliStub: state STARTING\n"
                + "2026-12-06T22:00:00Z  state STARTING (settles to RUNNING)\n"
                + "2026-12-06T22:00:02Z  tasks FAILED=1 PENDING=2 (last failure: FAILED instance 1:"
                + " fetch failed)\n"
                + "2026-12-06T22:00:02Z  condition AuroraTasksRunning=False (TasksFailing): 1 of 3"
                + " instances failed\n"
                + "2026-12-06T22:00:03Z  condition Healthy=False (TasksFailing)\n"
                + "2026-12-06T22:00:03Z  state FAILED (was STARTING): TasksFailing: instance 1"
                + " cannot fetch its package\n");
    assertThat(result.stderr())
        .contains("CliStub is FAILED: TasksFailing: instance 1 cannot fetch its package");
  }

  @Test
  void aTopologyThatNeverSettlesTimesOutWithExit105() throws IOException {
    HeronCli cli = serve(STARTING + "...");
    long start = System.nanoTime();

    Result result = submitWait(cli, "--wait-timeout", "2");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(105);
    assertThat(result.stderr())
        .contains("timed out after 2 s waiting for CliStub to run (last state STARTING)");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(60);
  }

  @Test
  void aStreamTheServiceEndsIsResumedWithTheLastEventId() throws IOException {
    HeronCli cli =
        serve(
            STARTING,
            "id:s1-8\nevent:state\ndata:{"
                + KEY
                + ",\"state\":\"RUNNING\",\"previous_state\":\"STARTING\","
                + "\"at\":\"2026-12-06T22:00:05Z\"}\n\n...");

    Result result = submitWait(cli);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(lastEventIds).containsExactly("", "s1-7");
    assertThat(result.stdout())
        .endsWith("2026-12-06T22:00:05Z  state RUNNING (was STARTING)\nCliStub is RUNNING\n");
  }

  @Test
  void aRefusedStreamPrintsTheProblemAndExits100() throws IOException {
    HeronCli cli =
        serve(
            "{\"type\":\"urn:heron-controlplane:problem:not-found\",\"title\":\"Not found\","
                + "\"status\":404,\"detail\":\"Topology local/alice/devel/CliStub is not"
                + " recorded\",\"message\":\"x\"}");

    Result result = submitWait(cli);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(100);
    assertThat(result.stderr())
        .contains("Not found: Topology local/alice/devel/CliStub is not recorded");
  }
}
