package io.heroncp.support;

import io.heroncp.HeronControlPlaneApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One instance of the service as its own Spring context on a free port, against a ZooKeeper the
 * test owns, with a package directory of its own: for tests that stop and start the service, or run
 * two replicas. Close it to stop it.
 */
public final class ServiceInstance implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ConfigurableApplicationContext context;
  private final int port;

  private ServiceInstance(ConfigurableApplicationContext context, int port) {
    this.context = context;
    this.port = port;
  }

  /**
   * Starts the service on {@code zooKeeper} with the simulator on {@code simulatorPort} (0 = no
   * simulator), fast simulated delays, and {@code extra} arguments ({@code --key=value}).
   */
  public static ServiceInstance start(
      String zooKeeper, int simulatorPort, Path packageDirectory, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                // The server binds any free port and says which: a port chosen up front could be
                // taken by another test's outgoing connection before Tomcat binds it.
                "--server.port=0",
                "--heroncp.zookeeper.connect-string=" + zooKeeper,
                "--heroncp.zookeeper.embedded.enabled=false",
                "--heroncp.clusters.local.scheduler.zookeeper=" + zooKeeper,
                "--heroncp.packages.directory=" + packageDirectory,
                // Tomcat's work directory beside the test's own files, not in /tmp.
                "--server.tomcat.basedir="
                    + packageDirectory.resolveSibling(packageDirectory.getFileName() + "-tomcat"),
                "--heroncp.operations.reconcile-interval=500ms",
                "--heroncp.operations.reconcile-after=1s",
                "--heroncp.operations.lock-wait=2s",
                "--heroncp.status.poll-interval=200ms"));
    if (simulatorPort > 0) {
      args.addAll(
          List.of(
              "--heroncp.simulator.enabled=true",
              "--heroncp.simulator.port=" + simulatorPort,
              "--heroncp.simulator.pending-delay=100ms",
              "--heroncp.simulator.assigned-delay=100ms",
              "--heroncp.simulator.starting-delay=100ms",
              "--heroncp.simulator.killing-delay=100ms"));
    } else {
      args.add("--heroncp.simulator.enabled=false");
      // The local cluster's core package is served by the other instance's simulator.
    }
    args.addAll(List.of(extra));
    // A later --key=value replaces an earlier one (Spring would bind both as a list).
    java.util.Map<String, String> byKey = new java.util.LinkedHashMap<>();
    for (String arg : args) {
      byKey.put(arg.substring(0, arg.indexOf('=')), arg);
    }
    ConfigurableApplicationContext context =
        SpringApplication.run(
            HeronControlPlaneApplication.class, byKey.values().toArray(String[]::new));
    int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    return new ServiceInstance(context, port);
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  public int port() {
    return port;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)));
  }

  public HttpResponse<String> post(String path) {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  public HttpResponse<String> post(String path, Multipart form) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", form.contentType())
            .POST(form.publisher()));
  }

  public HttpResponse<String> delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  /** The topology's state as GET answers it, or null when it answers no 200. */
  public String state(String path) {
    HttpResponse<String> response = get(path);
    return response.statusCode() == 200 ? json(response).get("state").asString() : null;
  }

  public static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    context.close();
  }
}
