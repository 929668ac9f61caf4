package io.heroncp.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.simulator.AuroraSimulator;
import io.heroncp.support.FreePorts;
import io.heroncp.support.Multipart;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The service the hostile-input suite attacks: the whole application with its own ZooKeeper (a real
 * {@link TestingServer}) and its own simulator, so the suite can snapshot every node and job before
 * and after each request. One running topology ({@link #TOPOLOGY}) gives the verbs a target.
 */
final class HostileService implements AutoCloseable {

  static final String ROLE = "hostile";
  static final String NAME = "Target";
  static final String TOPOLOGY = "/api/v1/topologies/local/" + ROLE + "/devel/" + NAME;

  private static final String LOCKS = "/heron-controlplane/topology-locks";
  private static final String TARGET_LOCK = LOCKS + "/local/" + NAME;

  /** Tomcat's read timeout here: short, so the stalled-body check is quick. */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

  private final TestingServer zookeeper;
  private final CuratorFramework client;
  private final ConfigurableApplicationContext context;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  /**
   * A snapshot of everything a request could change: ZooKeeper's nodes and Aurora's tasks. Lock
   * nodes are compared by presence only: taking and releasing a lock changes its parent's version.
   */
  record Snapshot(Map<String, String> nodes, Set<String> locks, Map<String, String> tasks) {

    /** What changed since {@code before}; empty when nothing did. */
    String changesSince(Snapshot before) {
      StringBuilder changes = new StringBuilder();
      if (!nodes.equals(before.nodes)) {
        Map<String, String> added = new TreeMap<>(nodes);
        before.nodes.forEach(added::remove);
        Set<String> changed = new TreeSet<>();
        before.nodes.forEach(
            (path, stat) -> {
              if (!stat.equals(nodes.get(path))) {
                changed.add(path);
              }
            });
        changes.append("ZooKeeper nodes added ").append(added.keySet());
        changes.append(", changed or removed ").append(changed).append("; ");
      }
      Set<String> newLocks = new TreeSet<>(locks);
      newLocks.removeAll(before.locks);
      if (!newLocks.isEmpty()) {
        changes.append("lock nodes created ").append(newLocks).append("; ");
      }
      if (!tasks.equals(before.tasks)) {
        changes.append("Aurora tasks ").append(before.tasks).append(" -> ").append(tasks);
      }
      return changes.toString();
    }
  }

  HostileService() throws Exception {
    zookeeper = new TestingServer(true);
    client = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    client.start();
    Path packages = Files.createTempDirectory("hostile-packages");
    int simulatorPort = FreePorts.freePort();
    Map<String, Object> properties = new HashMap<>();
    properties.put("server.port", "0");
    properties.put("server.address", "127.0.0.1");
    properties.put("server.tomcat.connection-timeout", CONNECTION_TIMEOUT.toMillis() + "ms");
    properties.put("heroncp.zookeeper.connect-string", zookeeper.getConnectString());
    properties.put("heroncp.zookeeper.embedded.enabled", "false");
    properties.put("heroncp.simulator.port", Integer.toString(simulatorPort));
    properties.put("heroncp.simulator.pending-delay", "50ms");
    properties.put("heroncp.simulator.assigned-delay", "50ms");
    properties.put("heroncp.simulator.starting-delay", "50ms");
    properties.put("heroncp.simulator.killing-delay", "50ms");
    properties.put("heroncp.clusters.local.scheduler.zookeeper", zookeeper.getConnectString());
    properties.put("heroncp.packages.directory", packages.toString());
    properties.put("heroncp.packages.max-upload-size", "4MB");
    properties.put("spring.jmx.enabled", "false");
    // As command-line arguments: they win over application.yaml (default properties would not).
    context =
        new SpringApplicationBuilder(HeronControlPlaneApplication.class)
            .run(
                properties.entrySet().stream()
                    .map(p -> "--" + p.getKey() + "=" + p.getValue())
                    .toArray(String[]::new));
    port = ((WebServerApplicationContext) context).getWebServer().getPort();
    submitTarget();
  }

  int port() {
    return port;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private void submitTarget() throws Exception {
    Multipart form = Multipart.submit("local", ROLE, "devel", NAME, HeronDefinitions.WORD_COUNT);
    HttpResponse<String> submitted =
        send(
            HttpRequest.newBuilder(uri("/api/v1/topologies"))
                .header("Content-Type", form.contentType())
                .POST(form.publisher())
                .build());
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    // Settled: every task RUNNING and the topology manager announced, so nothing moves by itself.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.checkExists().forPath("/heron/tmanagers/" + NAME) != null
                    && !tasks().isEmpty()
                    && tasks().values().stream().allMatch("RUNNING"::equals));
    // ...and the service has recorded it so: RUNNING with every condition True (the status
    // watcher writes the record until then).
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              String body =
                  send(HttpRequest.newBuilder(
                              uri("/api/v1/topologies/local/" + ROLE + "/devel/" + NAME))
                          .GET()
                          .build())
                      .body();
              return body.contains("\"state\":\"RUNNING\"")
                  && body.contains("\"AllTasksRunning\"")
                  && body.contains("\"Announced\"")
                  && body.contains("\"TasksHealthy\"");
            });
  }

  /** Every ZooKeeper node with its data version and child version, and every Aurora task. */
  Snapshot snapshot() throws Exception {
    Map<String, String> nodes = new TreeMap<>();
    walk("/", nodes);
    Set<String> locks = new TreeSet<>();
    for (String path : List.copyOf(nodes.keySet())) {
      if (path.startsWith(LOCKS)) {
        nodes.remove(path);
        // The target's lock is taken and released by requests refused on its authoritative state
        // (409 for the state, 412 for If-Match), which only the lock holder may read.
        if (!path.startsWith(TARGET_LOCK)) {
          locks.add(path);
        }
      }
    }
    return new Snapshot(nodes, locks, tasks());
  }

  private void walk(String path, Map<String, String> nodes) throws Exception {
    if (path.equals("/zookeeper")) {
      return;
    }
    Stat stat = client.checkExists().forPath(path);
    if (stat == null) {
      return;
    }
    List<String> children = new ArrayList<>(client.getChildren().forPath(path));
    // Ephemeral nodes of live sessions (leader election, topology manager) are not request state.
    if (stat.getEphemeralOwner() == 0) {
      nodes.put(path, stat.getVersion() + "/" + stat.getCversion() + "/" + stat.getMzxid());
    }
    for (String child : new TreeSet<>(children)) {
      walk(path.equals("/") ? "/" + child : path + "/" + child, nodes);
    }
  }

  private Map<String, String> tasks() {
    Map<String, String> tasks = new TreeMap<>();
    AuroraSimulator simulator = context.getBean(AuroraSimulator.class);
    for (ScheduledTask task :
        simulator
            .getTasksWithoutConfigs(new TaskQuery())
            .getResult()
            .getScheduleStatusResult()
            .getTasks()) {
      tasks.put(task.getAssignedTask().getTaskId(), task.getStatus().name());
    }
    return tasks;
  }

  @Override
  public void close() throws Exception {
    context.close();
    client.close();
    zookeeper.close();
  }
}
