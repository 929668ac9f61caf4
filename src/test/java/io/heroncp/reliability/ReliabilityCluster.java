package io.heroncp.reliability;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ReadOnlyScheduler;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.heron.HeronPaths;
import io.heroncp.support.ChildProcess;
import io.heroncp.support.FastStartJar;
import io.heroncp.support.FreePorts;
import io.heroncp.support.Multipart;
import io.heroncp.support.StandaloneCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.thrift.protocol.TJSONProtocol;
import org.apache.thrift.transport.THttpClient;
import org.apache.zookeeper.KeeperException;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything the reliability suite runs, each a process of its own on 127.0.0.1: a ZooKeeper
 * server, the Aurora simulator (outliving the service), and two replicas of the built service jar
 * sharing both and one package directory. Also the suite's own view of the truth: the records and
 * Heron's nodes read straight from ZooKeeper, the jobs straight from the simulator's Thrift API.
 */
final class ReliabilityCluster implements AutoCloseable {

  static final String ROLE = "alice";
  static final String ENV = "devel";
  static final String ROOT = "/heron-controlplane";
  static final HeronPaths HERON = new HeronPaths("/heron");

  /**
   * Small timeouts keep the suite short; the guarantees do not depend on their size. As in
   * production, the session outlasts the operation timeout (the client notices a silent server
   * after 2/3 of the session), so a paused ZooKeeper is met by the operation timeout first.
   */
  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(2);

  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  final Path work;
  final Path jar;
  final StandaloneCluster standalone;
  final String zooKeeper;
  final int simulatorPort;
  final ChildProcess zooKeeperServer;
  final List<Replica> replicas = new ArrayList<>();
  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private CuratorFramework curator;

  /** The jar as the container image runs it; prepared while the simulator starts. */
  private final FastStartJar fastStart;

  ReliabilityCluster(Path jar, Path work) throws IOException {
    this.jar = jar;
    this.work = work;
    Files.createDirectories(work);
    standalone =
        new StandaloneCluster(
            jar,
            work,
            500,
            "256m",
            "256m",
            List.of(
                "--heroncp.simulator.pending-delay=50ms",
                "--heroncp.simulator.assigned-delay=50ms",
                "--heroncp.simulator.starting-delay=50ms",
                "--heroncp.simulator.killing-delay=50ms",
                "--heroncp.simulator.fetch-timeout=5s",
                "--heroncp.simulator.flapping-task-delay=1s",
                "--heroncp.simulator.max-flapping-task-delay=2s"));
    zooKeeper = standalone.connectString();
    simulatorPort = standalone.simulatorPort();
    zooKeeperServer = standalone.zooKeeper();
    fastStart = new FastStartJar(jar, work.resolve("fast-start"));
    for (String name : List.of("A", "B")) {
      replicas.add(new Replica(name, FreePorts.freePort()));
    }
  }

  /**
   * Twenty restarts must fit in minutes on a busy 2-core host: the replicas run the jar as the
   * container image does ({@link FastStartJar}: extracted, with a class-data-sharing archive; about
   * 2.5 times faster to ready here), prepared while the simulator starts.
   */
  void start() throws Exception {
    standalone.start();
    curator = CuratorFrameworkFactory.newClient(zooKeeper, 10_000, 2_000, new RetryOneTime(200));
    curator.start();
    fastStart.prepare(ChildProcess.java());
    standalone.awaitSimulator();
    for (Replica replica : replicas) {
      replica.process.start();
    }
    for (Replica replica : replicas) {
      replica.awaitReady(Duration.ofSeconds(120));
    }
  }

  private List<String> serviceArguments(int port, String participant) {
    List<String> arguments = new ArrayList<>(standalone.serviceArguments());
    arguments.addAll(
        List.of(
            "--server.port=" + port,
            "--heroncp.zookeeper.session-timeout=" + SESSION_TIMEOUT.toMillis() + "ms",
            "--heroncp.zookeeper.connection-timeout=2s",
            "--heroncp.zookeeper.operation-timeout=" + OPERATION_TIMEOUT.toMillis() + "ms",
            "--heroncp.packages.directory=" + packagesDirectory(),
            "--heroncp.operations.participant-id=" + participant,
            "--heroncp.operations.lock-wait=1s",
            "--heroncp.operations.reconcile-interval=1s",
            "--heroncp.operations.reconcile-after=2s",
            "--heroncp.status.poll-interval=500ms"));
    return arguments;
  }

  /** The ZooKeeper server again, on its port and data, after a kill. */
  void restartZooKeeper() throws Exception {
    zooKeeperServer.start();
    standalone.awaitZooKeeper();
  }

  Replica replica(int i) {
    return replicas.get(i);
  }

  // ---- requests ----

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  static String path(String name) {
    return "/api/v1/topologies/local/" + ROLE + "/" + ENV + "/" + name;
  }

  HttpRequest submit(Replica replica, String name) {
    Multipart form = Multipart.submit("local", ROLE, null, name, HeronDefinitions.SINGLE_SPOUT);
    return HttpRequest.newBuilder(replica.url("/api/v1/topologies"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", form.contentType())
        .POST(form.publisher())
        .build();
  }

  HttpRequest kill(Replica replica, String name) {
    return HttpRequest.newBuilder(replica.url(path(name)))
        .timeout(Duration.ofSeconds(60))
        .DELETE()
        .build();
  }

  HttpRequest update(Replica replica, String name, int parallelism) {
    return HttpRequest.newBuilder(replica.url(path(name) + "/update"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("component_parallelism=sentence:" + parallelism))
        .build();
  }

  HttpRequest get(Replica replica, String pathAndQuery) {
    return HttpRequest.newBuilder(replica.url(pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .GET()
        .build();
  }

  // ---- the truth, read past the service ----

  /** What ZooKeeper and Aurora hold for one topology name. */
  record Observed(
      String name,
      JsonNode record,
      boolean unfinished,
      List<String> heronNodes,
      int activeTasks,
      boolean packageStored) {

    /** Record, Heron's nodes and the Aurora job all there, settled, its package stored. */
    boolean fullyPresent() {
      if (record == null || unfinished || !packageStored) {
        return false;
      }
      String state = record.path("state").asString();
      return (state.equals("RUNNING") || state.equals("PAUSED"))
          && heronNodes.containsAll(
              List.of("topologies", "packingplans", "executionstate", "schedulers"))
          && activeTasks == record.path("packing").path("auroraInstances").asInt(-1);
    }

    /** No record, no Heron node, no active Aurora task, no operation left. */
    boolean fullyGone() {
      return record == null && !unfinished && heronNodes.isEmpty() && activeTasks == 0;
    }

    String outcome() {
      return fullyPresent() ? "present" : fullyGone() ? "gone" : "in between";
    }

    @Override
    public String toString() {
      return name
          + "{record="
          + (record == null ? "none" : record.path("state").asString())
          + ", unfinished="
          + unfinished
          + ", heron="
          + heronNodes
          + ", activeTasks="
          + activeTasks
          + ", package="
          + packageStored
          + "}";
    }
  }

  Observed observe(String name) throws Exception {
    JsonNode record = null;
    try {
      record = JSON.readTree(curator.getData().forPath(ROOT + "/topologies/local/" + name));
    } catch (KeeperException.NoNodeException none) {
      // gone
    }
    boolean unfinished = false;
    for (String id : children(ROOT + "/unfinished")) {
      try {
        JsonNode operation = JSON.readTree(curator.getData().forPath(ROOT + "/operations/" + id));
        if (name.equals(operation.path("key").path("name").asString())) {
          unfinished = true;
        }
      } catch (KeeperException.NoNodeException ended) {
        // completed meanwhile
      }
    }
    List<String> heron = new ArrayList<>();
    for (String[] node :
        List.of(
            new String[] {"topologies", HERON.topology(name)},
            new String[] {"packingplans", HERON.packingPlan(name)},
            new String[] {"executionstate", HERON.executionState(name)},
            new String[] {"schedulers", HERON.schedulerLocation(name)},
            new String[] {"tmanagers", HERON.tmanagerLocation(name)},
            new String[] {"pplans", HERON.physicalPlan(name)})) {
      if (curator.checkExists().forPath(node[1]) != null) {
        heron.add(node[0]);
      }
    }
    boolean stored = false;
    if (record != null) {
      JsonNode ref = record.path("topologyPackage");
      stored =
          Files.isRegularFile(
              packagesDirectory()
                  .resolve(ref.path("sha256").asString())
                  .resolve(ref.path("fileName").asString()));
    }
    return new Observed(name, record, unfinished, heron, activeTasks(name), stored);
  }

  /** Packages on disk no record references (the leader's sweep collects them; counted only). */
  long unreferencedPackages() throws Exception {
    Set<String> referenced = new java.util.HashSet<>();
    for (String name : children(ROOT + "/topologies/local")) {
      try {
        referenced.add(
            JSON.readTree(curator.getData().forPath(ROOT + "/topologies/local/" + name))
                .path("topologyPackage")
                .path("sha256")
                .asString());
      } catch (KeeperException.NoNodeException gone) {
        // killed meanwhile
      }
    }
    try (var dirs = Files.list(packagesDirectory())) {
      return dirs.filter(Files::isDirectory)
          .map(d -> d.getFileName().toString())
          .filter(d -> d.matches("[0-9a-f]{64}") && !referenced.contains(d))
          .count();
    }
  }

  private List<String> children(String path) throws Exception {
    try {
      return curator.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  /** Active tasks of the topology's job, asked of the simulator over Aurora's Thrift API. */
  int activeTasks(String name) throws Exception {
    THttpClient transport = new THttpClient("http://127.0.0.1:" + simulatorPort + "/api");
    transport.setConnectTimeout(2_000);
    transport.setReadTimeout(5_000);
    try {
      Response response =
          new ReadOnlyScheduler.Client(new TJSONProtocol(transport))
              .getTasksWithoutConfigs(
                  new TaskQuery()
                      .setJobKeys(Set.of(new JobKey(ROLE, ENV, name)))
                      .setStatuses(aurora_apiConstants.ACTIVE_STATES));
      return response.getResult().getScheduleStatusResult().getTasks().size();
    } finally {
      transport.close();
    }
  }

  Path packagesDirectory() {
    return work.resolve("packages");
  }

  static Optional<JsonNode> json(String body) {
    try {
      return Optional.of(JSON.readTree(body));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws Exception {
    for (Replica replica : replicas) {
      replica.process.close();
    }
    if (curator != null) {
      curator.close();
    }
    standalone.close();
  }

  /** One replica of the service: the built jar, simulator off, finding Aurora by discovery. */
  final class Replica {
    final String name;
    final int port;
    final ChildProcess process;

    Replica(String name, int port) {
      this.name = name;
      this.port = port;
      List<String> command = ChildProcess.java("-Xmx384m");
      command.addAll(fastStart.javaArguments());
      command.addAll(serviceArguments(port, "replica-" + name));
      this.process =
          new ChildProcess("replica " + name, command, work.resolve("replica-" + name + ".log"));
    }

    URI url(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    void awaitReady(Duration timeout) {
      HttpRequest readiness =
          HttpRequest.newBuilder(url("/actuator/health/readiness"))
              .timeout(Duration.ofSeconds(2))
              .build();
      Awaitility.await("replica " + name + " ready")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(
              () -> {
                if (!process.alive()) {
                  throw new IllegalStateException(
                      "replica " + name + " exited; see " + process.log());
                }
                return http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200;
              });
    }

    @Override
    public String toString() {
      return "replica " + name;
    }
  }
}
