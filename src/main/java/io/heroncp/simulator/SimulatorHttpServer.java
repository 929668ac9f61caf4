package io.heroncp.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.ReadOnlyScheduler;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.thrift.TException;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TJSONProtocol;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's HTTP face, with Aurora's transport rules (aurora-api.md §1.1, §1.2, §7): Thrift
 * on {@code /api} (POST or GET), protocol chosen from the whole request {@code Content-Type} (415
 * otherwise), reply protocol from {@code Accept}, HTTP 200 for every Thrift reply, 500 for a
 * malformed envelope; optional BASIC authentication for every non-read-only method; {@code
 * /leaderhealth} and {@code /health}.
 *
 * <p>When {@code standbyPort} &gt; 0 a second listener plays a standby scheduler: {@code /api*}
 * answers 307 to the leader's address, unless the request carries {@code Bypass-Leader-Redirect},
 * in which case it is served from the same state; its {@code /leaderhealth} answers 503.
 *
 * <p>Not modelled: gzip response compression, CORS, {@code /apibeta}, Kerberos (NEGOTIATE), and
 * Aurora's permission model (an authenticated user may call everything, so AUTH_FAILED never
 * occurs).
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once (idempotent). Thread-safe; requests
 * are served by a small pool of daemon threads.
 */
public final class SimulatorHttpServer implements AutoCloseable {

  static final String JSON = "application/vnd.apache.thrift.json";
  static final String BINARY = "application/vnd.apache.thrift.binary";
  static final String REALM_CHALLENGE = "BASIC realm=\"Apache Aurora Scheduler\"";
  private static final String API_PATH = "/api";
  private static final Logger log = LoggerFactory.getLogger(SimulatorHttpServer.class);

  /** A Thrift wire protocol the endpoint speaks. */
  enum WireProtocol {
    JSON(SimulatorHttpServer.JSON, new TJSONProtocol.Factory()),
    BINARY(SimulatorHttpServer.BINARY, new TBinaryProtocol.Factory());

    final String contentType;
    final TProtocolFactory factory;

    WireProtocol(String contentType, TProtocolFactory factory) {
      this.contentType = contentType;
      this.factory = factory;
    }
  }

  private final SimulatorProperties properties;
  private final TProcessor processor;
  private final Set<String> readOnlyMethods;
  private HttpServer leader;
  private HttpServer standby;
  private ExecutorService workers;

  /** A server for the given scheduler; nothing listens until {@link #start()}. */
  public SimulatorHttpServer(
      AuroraSchedulerManager.Iface scheduler, SimulatorProperties properties) {
    this.properties = properties;
    this.processor = new AuroraSchedulerManager.Processor<>(scheduler);
    // Aurora lets ReadOnlyScheduler methods through without credentials; everything else needs
    // them.
    this.readOnlyMethods =
        Set.copyOf(
            new ReadOnlyScheduler.Processor<ReadOnlyScheduler.Iface>(scheduler)
                .getProcessMapView()
                .keySet());
  }

  /** Binds the leader listener (and the standby one if configured) and starts serving. */
  public synchronized void start() throws IOException {
    if (leader != null) {
      throw new IllegalStateException("already started");
    }
    AtomicInteger threadNumber = new AtomicInteger();
    workers =
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              Thread thread =
                  new Thread(runnable, "aurora-simulator-http-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    try {
      leader = HttpServer.create(new InetSocketAddress(properties.host(), properties.port()), 0);
    } catch (IOException e) {
      close();
      throw new IOException(
          "Cannot listen on "
              + properties.host()
              + ":"
              + properties.port()
              + " for the Aurora simulator; set heroncp.simulator.port to a free port (0 = any)",
          e);
    }
    leader.createContext("/", this::handleLeader);
    leader.setExecutor(workers);
    leader.start();
    log.info(
        "Aurora simulator (cluster {}) serves the Aurora Thrift API at {}",
        properties.clusterName(),
        apiEndpoint());
    if (properties.standbyPort() > 0) {
      try {
        standby =
            HttpServer.create(
                new InetSocketAddress(properties.host(), properties.standbyPort()), 0);
      } catch (IOException e) {
        close();
        throw e;
      }
      standby.createContext("/", this::handleStandby);
      standby.setExecutor(workers);
      standby.start();
      log.info("Aurora simulator standby at {} redirects to the leader", standbyApiEndpoint());
    }
  }

  /** The bound leader port (the real one when {@code port} was 0). */
  public synchronized int port() {
    if (leader == null) {
      throw new IllegalStateException("not started");
    }
    return leader.getAddress().getPort();
  }

  /** The leader's Thrift endpoint, {@code http://host:port/api}. */
  public URI apiEndpoint() {
    return URI.create("http://" + properties.host() + ":" + port() + API_PATH);
  }

  /**
   * Where the simulated cluster's Heron core package is served ({@link SimulatedCorePackage}): the
   * local cluster's {@code core-package-uri}.
   */
  public URI corePackageUri() {
    return URI.create("http://" + properties.host() + ":" + port() + SimulatedCorePackage.PATH);
  }

  /** The standby's Thrift endpoint, or null when no standby is configured. */
  public synchronized URI standbyApiEndpoint() {
    return standby == null
        ? null
        : URI.create(
            "http://" + properties.host() + ":" + standby.getAddress().getPort() + API_PATH);
  }

  /** Stops both listeners. Idempotent. */
  @Override
  public synchronized void close() {
    if (standby != null) {
      standby.stop(0);
      standby = null;
    }
    if (leader != null) {
      leader.stop(0);
      leader = null;
      log.info("Aurora simulator HTTP endpoint stopped");
    }
    if (workers != null) {
      workers.shutdownNow();
      workers = null;
    }
  }

  private void handleLeader(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case API_PATH -> handleApi(exchange);
        case "/leaderhealth", "/health" -> sendText(exchange, 200, "OK");
        case SimulatedCorePackage.PATH -> sendCorePackage(exchange);
        default -> sendText(exchange, 404, "Not found: " + path);
      }
    } catch (RuntimeException e) {
      log.warn("Simulator request failed", e);
    }
  }

  private void handleStandby(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith(API_PATH)) {
        if (exchange
            .getRequestHeaders()
            .containsKey(aurora_apiConstants.BYPASS_LEADER_REDIRECT_HEADER_NAME)) {
          if (API_PATH.equals(path)) {
            handleApi(exchange);
          } else {
            sendText(exchange, 404, "Not found: " + path);
          }
          return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        String location =
            "http://"
                + properties.host()
                + ":"
                + port()
                + exchange.getRequestURI().getRawPath()
                + (query == null ? "" : "?" + query);
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(307, -1);
      } else if ("/leaderhealth".equals(path)) {
        sendText(exchange, 503, "Not the leading scheduler.");
      } else if ("/health".equals(path)) {
        sendText(exchange, 200, "OK");
      } else if (SimulatedCorePackage.PATH.equals(path)) {
        sendCorePackage(exchange);
      } else {
        sendText(exchange, 404, "Not found: " + path);
      }
    } catch (RuntimeException e) {
      log.warn("Simulator standby request failed", e);
    }
  }

  /** GET or HEAD of the core package; ETag is its SHA-256, so a conditional GET answers 304. */
  private static void sendCorePackage(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      sendText(
          exchange, 405, "Method " + method + " is not allowed on " + SimulatedCorePackage.PATH);
      return;
    }
    SimulatedCorePackage core = SimulatedCorePackage.get();
    String etag = "\"" + core.sha256() + "\"";
    exchange.getResponseHeaders().set("ETag", etag);
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/gzip");
    if ("HEAD".equals(method)) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(core.size()));
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, core.size());
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(core.bytes());
    }
  }

  private void handleApi(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!"POST".equals(method) && !"GET".equals(method)) {
      sendText(exchange, 405, "Method " + method + " is not allowed on /api; use POST.");
      return;
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    WireProtocol requestProtocol = requestProtocol(contentType);
    if (requestProtocol == null) {
      sendText(exchange, 415, "Unsupported Content-Type: " + contentType);
      return;
    }
    WireProtocol responseProtocol = responseProtocol(exchange.getRequestHeaders().get("Accept"));
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (!authorized(exchange, body, requestProtocol)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", REALM_CHALLENGE);
      exchange.sendResponseHeaders(401, -1);
      return;
    }
    byte[] reply;
    try {
      TMemoryBuffer output = new TMemoryBuffer(512);
      processor.process(
          requestProtocol.factory.getProtocol(new TMemoryInputTransport(body)),
          responseProtocol.factory.getProtocol(output));
      reply = Arrays.copyOf(output.getArray(), output.length());
    } catch (TException e) {
      sendText(exchange, 500, "Thrift processing failed: " + e.getMessage());
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", responseProtocol.contentType);
    exchange.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
    if (reply.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply);
      }
    }
  }

  /**
   * Aurora's BASIC mechanism ({@code authcBasic[permissive]}): credentials, when sent, are checked
   * for every call; without credentials only read-only calls pass. An unreadable envelope is left
   * to the processor.
   */
  private boolean authorized(HttpExchange exchange, byte[] body, WireProtocol protocol) {
    if (!credentialsConfigured()) {
      return true;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null) {
      return credentialsMatch(authorization);
    }
    String name;
    try {
      name = protocol.factory.getProtocol(new TMemoryInputTransport(body)).readMessageBegin().name;
    } catch (TException | RuntimeException e) {
      return true;
    }
    return readOnlyMethods.contains(name);
  }

  private boolean credentialsConfigured() {
    return properties.username() != null
        && !properties.username().isEmpty()
        && properties.password() != null
        && !properties.password().isEmpty();
  }

  private boolean credentialsMatch(String authorization) {
    int space = authorization.indexOf(' ');
    if (space < 0 || !"basic".equalsIgnoreCase(authorization.substring(0, space))) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(authorization.substring(space + 1).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] expected =
        (properties.username() + ":" + properties.password()).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(decoded, expected);
  }

  /**
   * Aurora's {@code TContentAwareServlet} lookup of the whole media type, parameters included:
   * missing, {@code application/x-thrift}, {@code application/json}, {@code
   * application/vnd.apache.thrift.json} (also with {@code charset=utf-8}) are TJSON; {@code
   * application/vnd.apache.thrift.binary} is binary; anything else is null (415).
   */
  static WireProtocol requestProtocol(String contentType) {
    if (contentType == null) {
      return WireProtocol.JSON;
    }
    MediaType type = MediaType.parse(contentType);
    if (type == null) {
      return null;
    }
    if (type.parameters().isEmpty()) {
      switch (type.type()) {
        case "application/x-thrift", "application/json", JSON:
          return WireProtocol.JSON;
        case BINARY:
          return WireProtocol.BINARY;
        default:
          return null;
      }
    }
    if (JSON.equals(type.type()) && type.parameters().equals(List.of("charset=utf-8"))) {
      return WireProtocol.JSON;
    }
    return null;
  }

  /** Only an Accept of exactly {@code application/vnd.apache.thrift.binary} selects binary. */
  static WireProtocol responseProtocol(List<String> accept) {
    if (accept == null || accept.size() != 1) {
      return WireProtocol.JSON;
    }
    MediaType type = MediaType.parse(accept.get(0));
    return type != null && BINARY.equals(type.type()) && type.parameters().isEmpty()
        ? WireProtocol.BINARY
        : WireProtocol.JSON;
  }

  /** A parsed media type: lower-case type/subtype and normalized {@code name=value} parameters. */
  record MediaType(String type, List<String> parameters) {
    static MediaType parse(String value) {
      String[] parts = value.split(";", -1);
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (!type.matches("[\\w.+-]+/[\\w.+-]+")) {
        return null;
      }
      List<String> parameters = new ArrayList<>();
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].trim();
        int equals = parameter.indexOf('=');
        if (equals <= 0) {
          return null;
        }
        String name = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
        String parameterValue = parameter.substring(equals + 1).trim();
        if (parameterValue.length() >= 2
            && parameterValue.startsWith("\"")
            && parameterValue.endsWith("\"")) {
          parameterValue = parameterValue.substring(1, parameterValue.length() - 1);
        }
        if ("charset".equals(name)) {
          parameterValue = parameterValue.toLowerCase(Locale.ROOT);
        }
        parameters.add(name + "=" + parameterValue);
      }
      return new MediaType(type, List.copyOf(parameters));
    }
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
