package io.heroncp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.heroncp.cli.HeronCli.Result;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * heron-cli's parts that need no control plane: its awk JSON reader (in every shell found here),
 * usage errors, and how it treats an HTTP server's answers (paging, non-JSON errors, the bearer
 * token), against a small real HTTP server on 127.0.0.1 that records what it received.
 */
class HeronCliWithoutServiceTest {

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private HeronCli cli;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String target = exchange.getRequestURI().toString();
          requests.add(exchange.getRequestMethod() + " " + target);
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(authorization == null ? "none" : authorization);
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          int status = 200;
          String type = "application/json";
          String body;
          if (target.contains("page_token=p2")) {
            body =
                "{\"topologies\":[{\"name\":\"second\",\"cluster\":\"c\",\"role\":\"r\",\"environment\":\"e\",\"state\":\"PAUSED\"}]}";
          } else if (target.startsWith("/api/v1/topologies?")) {
            body =
                "{\"topologies\":[{\"name\":\"first\",\"cluster\":\"c\",\"role\":\"r\",\"environment\":\"e\",\"state\":\"RUNNING\","
                    + "\"packing_plan\":{\"containers\":2}}],\"next_page_token\":\"p2\"}";
          } else if (target.startsWith("/api/v1/topologies/c/r/e/broken")) {
            status = 502;
            type = "text/html";
            body = "<html><body>Bad gateway</body></html>";
          } else if (target.startsWith("/api/v1/topologies/c/r/e/failing")) {
            status = 503;
            type = "application/problem+json";
            body =
                "{\"title\":\"Service unavailable\",\"status\":503,\"detail\":\"ZooKeeper is unreachable; retry later\","
                    + "\"message\":\"ZooKeeper is unreachable; retry later\"}";
          } else if (target.startsWith("/api/v1/topologies/c/r/e/")) {
            body = "{\"message\":\"done\"}";
          } else if (target.equals("/api/v1/version")) {
            body = "{\"heron.build.version\":\"0.1.0\",\"heron.build.time\":\"now\"}";
          } else {
            status = 404;
            type = "application/problem+json";
            body = "{\"title\":\"Not found\",\"status\":404,\"detail\":\"No endpoint\"}";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", type);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    cli = HeronCli.against("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void globalFlagsAreAcceptedBeforeTheVerb() {
    Result verbose =
        HeronCli.against("http://127.0.0.1:9")
            .run(
                "--verbose",
                "--service-url",
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "version");
    Result json =
        HeronCli.against("http://127.0.0.1:9")
            .run(
                "--json",
                "--service-url=http://127.0.0.1:" + server.getAddress().getPort(),
                "version");
    Result after = cli.run("--json", "version", "--service-url", "http://127.0.0.1:9");

    assertThat(verbose.exitCode()).as(verbose.toString()).isZero();
    assertThat(verbose.stdout()).contains("heron.build.version: 0.1.0");
    assertThat(verbose.stderr()).as("--verbose prints the curl call").contains("curl");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(json.stdout()).contains("\"heron.build.version\":\"0.1.0\"");
    assertThat(after.exitCode()).as("the flag after the verb wins: port 9 refuses").isNotZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sh", "dash", "bash", "busybox sh"})
  void jsonReaderFlattensEveryLeafAndUnescapesStrings(String shell) {
    assumeTrue(HeronCli.installed(shell.split(" ")[0]), shell + " is not installed");
    String json =
        "{\"a\": 1, \"b\": \"x\\\"y\\\\z\\n2\\u00e9\\ud83d\\ude00\\/\",\n"
            + " \"c\": [true, false, null, {\"d\": -1.5e3}], \"e\": {}, \"f\": [], \"g\": {\"h\": \"tab\\there\"}}";

    Result flat = cli.withShell(shell).withStdin(json).run("json");
    Result value = cli.withShell(shell).withStdin(json).run("json", "b");

    assertThat(flat.exitCode()).as(flat.toString()).isZero();
    assertThat(flat.stdout())
        .isEqualTo(
            "a\t1\nb\tx\"y\\z 2é😀/\nc.0\ttrue\nc.1\tfalse\nc.2\tnull\nc.3.d\t-1.5e3\n"
                + "e\t{}\nf\t[]\ng.h\ttab here\n");
    assertThat(value.stdout()).isEqualTo("x\"y\\z\n2é😀/\n");
    assertThat(cli.withShell(shell).withStdin(json).run("json", "c.3.d").stdout())
        .isEqualTo("-1.5e3\n");
    assertThat(cli.withShell(shell).withStdin(json).run("json", "missing").stdout()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mawk", "gawk", "original-awk", "busybox"})
  void jsonReaderWorksWithEveryAwkFoundHere(String awk, @TempDir Path bin) throws IOException {
    String json =
        "{\"topologies\": [{\"name\": \"a\\u0041\", \"n\": 2}, {\"name\": \"b\\n\"}], \"next\": null}";

    HeronCli withAwk = withAwk(awk, bin).withStdin(json);

    assertThat(withAwk.run("json").stdout())
        .isEqualTo("topologies.0.name\taA\ntopologies.0.n\t2\ntopologies.1.name\tb \nnext\tnull\n");
    assertThat(withAwk.run("json", "topologies.1.name").stdout()).isEqualTo("b\n\n");
    assertThat(withAwk.withStdin("{\"a\": }").run("json").exitCode()).isEqualTo(103);
  }

  /**
   * The script with {@code awk} on the PATH being {@code implementation} (skips the test if it is
   * not installed).
   */
  private HeronCli withAwk(String implementation, Path bin) throws IOException {
    assumeTrue(HeronCli.installed(implementation), implementation + " is not installed");
    Path program =
        Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
            .map(dir -> Path.of(dir, implementation))
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow();
    Files.createSymbolicLink(bin.resolve("awk"), program);
    return cli.withEnv("PATH", bin + File.pathSeparator + System.getenv("PATH"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "<html>oops</html>",
        "{\"a\": 1",
        "{\"a\": 1} trailing",
        "",
        "{\"a\": tru}",
        "[1,]"
      })
  void jsonReaderRejectsWhatIsNotJson(String input) {
    Result result = cli.withStdin(input).run("json");

    assertThat(result.exitCode()).isEqualTo(103);
    assertThat(result.stderr()).isEqualTo("heron-cli: the input is not JSON\n");
  }

  @Test
  void usageErrorsExitOneAndPointAtHelp() {
    Result none = cli.run();
    Result unknown = cli.run("frobnicate");
    Result missingName = cli.run("describe", "c/r/e");
    Result badFlag = cli.run("kill", "--deploy-deactivated", "c/r/e", "n");
    Result badParallelism = cli.run("update", "c/r/e", "n", "--component-parallelism=split");
    Result both =
        cli.run("update", "c/r/e", "n", "--runtime-config=a:b", "--component-parallelism=split:2");

    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.stderr()).startsWith("Usage: heron-cli <command>");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr())
        .isEqualTo("heron-cli: unknown command 'frobnicate'\nRun 'heron-cli help' for usage.\n");
    assertThat(missingName.exitCode()).isEqualTo(1);
    assertThat(badFlag.exitCode()).isEqualTo(1);
    assertThat(badFlag.stderr()).startsWith("heron-cli: --deploy-deactivated is a submit flag");
    assertThat(badParallelism.exitCode()).isEqualTo(1);
    assertThat(both.exitCode()).isEqualTo(1);
    assertThat(requests).as("no request is sent for a usage error").isEmpty();
  }

  @Test
  void helpDescribesEveryCommand() {
    Result help = cli.run("help");
    Result submitHelp = cli.run("submit", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout())
        .contains(
            "submit [flags] cluster/role[/env] topology-file class-name",
            "activate ",
            "deactivate ",
            "kill ",
            "restart ",
            "update ",
            "list ",
            "describe ",
            "history ",
            "version ",
            "HERON_CLI_CLASSPATH",
            "HERON_TOKEN",
            "Exit codes:");
    assertThat(submitHelp.exitCode()).isZero();
    assertThat(submitHelp.stdout()).contains("submit [flags]").doesNotContain("describe ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mawk", "gawk", "original-awk", "busybox"})
  void listFollowsNextPageTokensAndAlignsItsTable(String awk, @TempDir Path bin)
      throws IOException {
    Result result = withAwk(awk, bin).run("list", "c/r");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .isEqualTo(
            """
        NAME    CLUSTER  ROLE  ENVIRONMENT  STATE    CONTAINERS  SUBMITTED
        first   c        r     e            RUNNING  2           -
        second  c        r     e            PAUSED   -           -
        """);
    assertThat(requests)
        .containsExactly(
            "GET /api/v1/topologies?page_size=1000&cluster=c&role=r",
            "GET /api/v1/topologies?page_size=1000&cluster=c&role=r&page_token=p2");
  }

  @Test
  void aNonJsonErrorIsReportedWithItsStatus() {
    Result result = cli.run("describe", "c/r/e", "broken");

    assertThat(result.exitCode()).isEqualTo(101);
    assertThat(result.stderr())
        .startsWith("HTTP 502 from http://127.0.0.1:")
        .contains("Bad gateway");
  }

  @Test
  void aServerSideProblemExits101WithTitleAndDetail() {
    Result result = cli.run("kill", "c/r/e", "failing");

    assertThat(result.exitCode()).isEqualTo(101);
    assertThat(result.stderr())
        .isEqualTo("Service unavailable: ZooKeeper is unreachable; retry later\n");
  }

  @Test
  void theTokenIsSentAsBearerAndNeverPrinted() {
    Result result =
        cli.withEnv("HERON_TOKEN", "s3cret-token").run("activate", "--verbose", "c/r/e", "n");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).isEqualTo("done\n");
    assertThat(requests).containsExactly("POST /api/v1/topologies/c/r/e/n/activate");
    assertThat(authorizations).containsExactly("Bearer s3cret-token");
    assertThat(result.stderr()).contains("+ curl ").doesNotContain("s3cret-token");
  }

  @Test
  void withoutTokenNoAuthorizationIsSent() {
    assertThat(cli.run("deactivate", "c/r/e", "n").exitCode()).isZero();
    assertThat(authorizations).containsExactly("none");
  }

  @Test
  void restartAndUpdateSendHeronsFormFields() {
    assertThat(cli.run("restart", "c/r/e", "n", "-1").exitCode()).isZero();
    assertThat(
            cli.run(
                    "update",
                    "c/r/e",
                    "n",
                    "--component-parallelism=split:3",
                    "--component-parallelism",
                    "count:4",
                    "--container-number=3")
                .exitCode())
        .isZero();
    assertThat(
            cli.run(
                    "update",
                    "c/r/e",
                    "n",
                    "--runtime-config=count:my.key:7",
                    "--dry-run",
                    "--dry-run-format=json")
                .exitCode())
        .isZero();
    assertThat(requests)
        .containsExactly(
            "POST /api/v1/topologies/c/r/e/n/restart",
            "POST /api/v1/topologies/c/r/e/n/update",
            "POST /api/v1/topologies/c/r/e/n/update");
    assertThat(bodies)
        .containsExactly(
            "container_id=-1",
            "component_parallelism=split%3A3&component_parallelism=count%3A4&container_number=3",
            "runtime_config=count%3Amy.key%3A7&dry_run=true&dry_run_format=json");
  }

  @Test
  void versionPrintsTheScriptsAndTheServicesVersion() {
    Result result = cli.run("version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout())
        .startsWith("heron-cli 0.1.0\nservice http://127.0.0.1:")
        .contains("  heron.build.version: 0.1.0\n");
  }
}
