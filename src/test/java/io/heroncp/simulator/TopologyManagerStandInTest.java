package io.heroncp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.aurora.AuroraJobFactory;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.heron.HeronPaths;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronTopologyState;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.heron.TManagerLocation;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.heron.proto.PhysicalPlans;
import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.support.PackageFiles;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.TopologyKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in against a real ZooKeeper ({@code TestingServer}) and the simulator driven in-process
 * through its Thrift interface, with jobs built by {@link AuroraJobFactory} exactly as the service
 * submits them; the controller is called over real HTTP.
 */
class TopologyManagerStandInTest {

  private static final HeronPaths PATHS = new HeronPaths("/heron");
  private static final String NAME = "standin-wc";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TestingServer zookeeper;
  private CuratorFramework curator;
  private AuroraSimulator simulator;
  private TopologyManagerStandIn standIn;
  private final List<TaskStatusChange> seen = new CopyOnWriteArrayList<>();
  @TempDir Path packages;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    curator =
        CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    curator.start();
    simulator = new AuroraSimulator(SimulatorFixtures.properties());
    standIn = new TopologyManagerStandIn(simulator, curator, "127.0.0.1", 0);
    standIn.start();
    // Added after the stand-in's: when this one hears a change, the stand-in has handled it.
    simulator.addTaskStatusListener(seen::add);
  }

  @AfterEach
  void stop() throws Exception {
    standIn.close();
    simulator.close();
    curator.close();
    zookeeper.close();
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void runningInstanceZeroPublishesLocationAndPhysicalPlan() throws Exception {
    TopologyDefinition definition =
        submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME));

    TManagerLocation location = awaitLocation();
    assertThat(location.topologyName()).isEqualTo(NAME);
    assertThat(location.topologyId()).isEqualTo(definition.id());
    assertThat(location.host()).isEqualTo("127.0.0.1");
    assertThat(location.controllerPort()).isEqualTo(standIn.port());
    PhysicalPlans.PhysicalPlan plan = physicalPlan();
    assertThat(plan.getTopology().getId()).isEqualTo(definition.id());
    assertThat(plan.getTopology().getName()).isEqualTo(NAME);
    assertThat(HeronStateCodec.decodePhysicalPlanState(plan.toByteArray()))
        .isEqualTo(HeronTopologyState.RUNNING);
    assertThat(curator.checkExists().forPath(PATHS.tmanagerLocation(NAME)).getEphemeralOwner())
        .isNotZero();
    assertThat(standIn.servedTopologyIds()).containsExactly(definition.id());
  }

  @Test
  void locationLeftByAnEarlierSessionIsReplacedOnStartAndOutlivesThatSession() throws Exception {
    submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME));
    byte[] location = curator.getData().forPath(awaitLocationPath());
    standIn.close();
    // What a killed process leaves: its ephemeral node, alive until its session expires.
    try (CuratorFramework earlier =
        CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100))) {
      earlier.start();
      earlier
          .create()
          .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
          .forPath(PATHS.tmanagerLocation(NAME), location);

      standIn = new TopologyManagerStandIn(simulator, curator, "127.0.0.1", 0);
      standIn.start();

      long session = curator.getZookeeperClient().getZooKeeper().getSessionId();
      assertThat(curator.checkExists().forPath(PATHS.tmanagerLocation(NAME)).getEphemeralOwner())
          .isEqualTo(session);
    }
    // The earlier session ended: the location stays.
    assertThat(curator.checkExists().forPath(PATHS.tmanagerLocation(NAME))).isNotNull();
  }

  private String awaitLocationPath() throws Exception {
    awaitLocation();
    return PATHS.tmanagerLocation(NAME);
  }

  @Test
  void topologySubmittedDeactivatedStartsPaused() throws Exception {
    submit(HeronDefinitions.pausedDefinition(HeronDefinitions.WORD_COUNT, NAME));

    awaitLocation();
    assertThat(state()).isEqualTo(HeronTopologyState.PAUSED);
  }

  @Test
  void deactivateAndActivateAnswerAsHeronsTManager() throws Exception {
    String id = submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME)).id();
    awaitLocation();

    assertAnswer(get("/deactivate?topologyid=" + id), 200, "Topology successfully deactivated");
    assertThat(state()).isEqualTo(HeronTopologyState.PAUSED);
    assertAnswer(get("/deactivate?topologyid=" + id), 400, "Topology not in running state");
    assertThat(state()).isEqualTo(HeronTopologyState.PAUSED);

    assertAnswer(get("/activate?topologyid=" + id), 200, "Topology successfully activated");
    assertThat(state()).isEqualTo(HeronTopologyState.RUNNING);
    assertAnswer(get("/activate?topologyid=" + id), 400, "Topology not in paused state");
  }

  @Test
  void wrongOrMissingTopologyIdIsRejectedWithHeronsMessages() throws Exception {
    submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME));
    awaitLocation();

    assertAnswer(
        get("/deactivate?topologyid=" + NAME + "-not-the-id"), 400, "Topology id does not match");
    assertAnswer(get("/activate"), 400, "Missing 'topologyid' argument in the request");
    assertAnswer(
        get("/runtime_config/update?topologyid="),
        400,
        "Missing 'topologyid' argument in the request");
    assertAnswer(get("/no_such_call?topologyid=x"), 404, "Not Supported");
    assertThat(state()).isEqualTo(HeronTopologyState.RUNNING);
  }

  @Test
  void missingPhysicalPlanIsHeronsUninitializedAnswer() throws Exception {
    String id = submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME)).id();
    awaitLocation();
    curator.delete().forPath(PATHS.physicalPlan(NAME));

    assertAnswer(
        get("/activate?topologyid=" + id),
        500,
        "Tmanager still not initialized (physical plan is not available)");
  }

  @Test
  void runtimeConfigIsRecordedInThePhysicalPlansTopology() throws Exception {
    String id = submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME)).id();
    awaitLocation();

    assertAnswer(
        get(
            "/runtime_config/update?topologyid="
                + id
                + "&runtime-config=split:topology.component.output.bps:1000&runtime-config=my.rate:5"),
        200,
        "Runtime config updated");
    TopologyAPI.Topology topology = physicalPlan().getTopology();
    assertThat(kvs(topology.getTopologyConfig())).containsEntry("my.rate:runtime", "5");
    TopologyAPI.Bolt split =
        topology.getBoltsList().stream()
            .filter(bolt -> bolt.getComp().getName().equals("split"))
            .findFirst()
            .orElseThrow();
    assertThat(kvs(split.getComp().getConfig()))
        .containsEntry("topology.component.output.bps:runtime", "1000");

    // A second value for the same key replaces the first rather than adding a duplicate.
    assertAnswer(
        get("/runtime_config/update?topologyid=" + id + "&runtime-config=my.rate:7"),
        200,
        "Runtime config updated");
    assertThat(physicalPlan().getTopology().getTopologyConfig().getKvsList())
        .filteredOn(kv -> kv.getKey().equals("my.rate:runtime"))
        .singleElement()
        .extracting(TopologyAPI.Config.KeyValue::getValue)
        .isEqualTo("7");
  }

  @Test
  void badRuntimeConfigIsRejectedWithHeronsMessages() throws Exception {
    String id = submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME)).id();
    awaitLocation();
    byte[] before = curator.getData().forPath(PATHS.physicalPlan(NAME));

    assertAnswer(
        get("/runtime_config/update?topologyid=" + id),
        400,
        "No runtime config is found. Usage: runtime-config=[COMPONENT:]<CONFIG>:<VALUE>.");
    assertAnswer(
        get("/runtime_config/update?topologyid=" + id + "&runtime-config=justakey"),
        400,
        "Failed to parse runtime configs. Possibly bad format. The expected format is [COMPONENT:]<CONFIG>:<VALUE>.");
    assertAnswer(
        get("/runtime_config/update?topologyid=" + id + "&runtime-config=nosuchbolt:k:v"),
        400,
        "Failed to validate runtime configs");
    assertThat(curator.getData().forPath(PATHS.physicalPlan(NAME))).isEqualTo(before);
  }

  @Test
  void packingPlanChangeRewritesThePhysicalPlanKeepingTheState() throws Exception {
    TopologyDefinition definition =
        submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME));
    awaitLocation();
    assertAnswer(
        get("/deactivate?topologyid=" + definition.id()), 200, "Topology successfully deactivated");
    int version = curator.checkExists().forPath(PATHS.physicalPlan(NAME)).getVersion();

    PackingPlan current =
        HeronStateCodec.decodePackingPlan(curator.getData().forPath(PATHS.packingPlan(NAME)));
    PackingPlan proposed =
        new RoundRobinPacking().repack(definition, Map.of(), current, Map.of("split", 4), null);
    curator.setData().forPath(PATHS.packingPlan(NAME), HeronStateCodec.encodePackingPlan(proposed));

    await()
        .atMost(WAIT)
        .until(
            () -> curator.checkExists().forPath(PATHS.physicalPlan(NAME)).getVersion() > version);
    assertThat(state()).isEqualTo(HeronTopologyState.PAUSED);
  }

  @Test
  void killRemovesTheLocationAndStopsServingTheTopology() throws Exception {
    String id = submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME)).id();
    awaitLocation();

    assertThat(simulator.killTasks(job(), null, "kill").getResponseCode())
        .isEqualTo(ResponseCode.OK);

    await()
        .atMost(WAIT)
        .until(() -> curator.checkExists().forPath(PATHS.tmanagerLocation(NAME)) == null);
    await().atMost(WAIT).until(() -> standIn.servedTopologyIds().isEmpty());
    assertAnswer(get("/activate?topologyid=" + id), 400, "Topology id does not match");
  }

  @Test
  void restartOfInstanceZeroRemovesThenRepublishesTheLocationAndKeepsTheState() throws Exception {
    String id = submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME)).id();
    awaitLocation();
    assertAnswer(get("/deactivate?topologyid=" + id), 200, "Topology successfully deactivated");
    long firstLocation = curator.checkExists().forPath(PATHS.tmanagerLocation(NAME)).getCzxid();

    assertThat(simulator.restartShards(job(), Set.of(0)).getResponseCode())
        .isEqualTo(ResponseCode.OK);

    // Instance 0 went RESTARTING (location deleted) and a new task came up RUNNING (location
    // created anew).
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Stat stat = curator.checkExists().forPath(PATHS.tmanagerLocation(NAME));
              return stat != null && stat.getCzxid() != firstLocation;
            });
    assertThat(seen)
        .filteredOn(change -> change.instanceId() == 0)
        .extracting(TaskStatusChange::status)
        .contains(ScheduleStatus.RESTARTING, ScheduleStatus.KILLED);
    assertThat(state()).isEqualTo(HeronTopologyState.PAUSED);
    assertThat(standIn.servedTopologyIds()).containsExactly(id);
    assertAnswer(get("/activate?topologyid=" + id), 200, "Topology successfully activated");
  }

  @Test
  void jobsNotMadeByTheServiceAreIgnored() throws Exception {
    JobKey key = SimulatorFixtures.key("plain");
    assertThat(simulator.createJob(SimulatorFixtures.job(key, 2)).getResponseCode())
        .isEqualTo(ResponseCode.OK);

    await()
        .atMost(WAIT)
        .until(
            () ->
                seen.stream()
                    .anyMatch(
                        change ->
                            change.job().equals(key)
                                && change.instanceId() == 0
                                && change.status() == ScheduleStatus.RUNNING));
    assertThat(standIn.servedTopologyIds()).isEmpty();
    assertThat(curator.checkExists().forPath(PATHS.directory("tmanagers"))).isNull();
  }

  @Test
  void startTakesOverHeronJobsAlreadyRunning() throws Exception {
    standIn.close();
    String id = submit(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, NAME)).id();
    await()
        .atMost(WAIT)
        .until(
            () ->
                seen.stream()
                    .anyMatch(
                        change ->
                            change.instanceId() == 0 && change.status() == ScheduleStatus.RUNNING));
    assertThat(curator.checkExists().forPath(PATHS.tmanagerLocation(NAME))).isNull();

    standIn = new TopologyManagerStandIn(simulator, curator, "127.0.0.1", 0);
    standIn.start();

    assertThat(awaitLocation().controllerPort()).isEqualTo(standIn.port());
    assertThat(standIn.servedTopologyIds()).containsExactly(id);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Writes topology + packing plan as the service does, then creates the Aurora job the service
   * would.
   */
  private TopologyDefinition submit(byte[] defn) throws Exception {
    TopologyDefinition definition = new DefinitionReader().read(defn);
    PackingPlan packing = new RoundRobinPacking().pack(definition, Map.of());
    curator
        .create()
        .creatingParentContainersIfNeeded()
        .forPath(PATHS.topology(NAME), definition.trimmedBytes());
    curator
        .create()
        .creatingParentContainersIfNeeded()
        .forPath(PATHS.packingPlan(NAME), HeronStateCodec.encodePackingPlan(packing));
    JobRequest request =
        new JobRequest(
            new TopologyKey("test-cluster", "alice", "devel", NAME),
            "alice",
            definition,
            packing,
            PackageFiles.fetchable(packages, "topology.tar.gz"),
            "word-count.jar",
            Map.of());
    ClusterProperties cluster =
        new ClusterProperties(
            "devel",
            "^(prod|devel|test|staging\\d*)$",
            "/heron",
            null,
            PackageFiles.fetchable(packages, "heron-core.tar.gz"),
            null,
            Map.of(),
            new ClusterProperties.Scheduler(
                URI.create("http://127.0.0.1:1"),
                null,
                "/aurora/scheduler",
                null,
                null,
                ClusterProperties.Scheduler.Protocol.BINARY,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5)));
    JobConfiguration job =
        new AuroraJobFactory().create(request, cluster, zookeeper.getConnectString());
    assertThat(simulator.createJob(job).getResponseCode()).isEqualTo(ResponseCode.OK);
    return definition;
  }

  private static JobKey job() {
    return new JobKey("alice", "devel", NAME);
  }

  private TManagerLocation awaitLocation() throws Exception {
    await()
        .atMost(WAIT)
        .until(() -> curator.checkExists().forPath(PATHS.tmanagerLocation(NAME)) != null);
    return HeronStateCodec.decodeTManagerLocation(
        curator.getData().forPath(PATHS.tmanagerLocation(NAME)));
  }

  private PhysicalPlans.PhysicalPlan physicalPlan() throws Exception {
    return PhysicalPlans.PhysicalPlan.parseFrom(
        curator.getData().forPath(PATHS.physicalPlan(NAME)));
  }

  private HeronTopologyState state() throws Exception {
    return HeronStateCodec.decodePhysicalPlanState(
        curator.getData().forPath(PATHS.physicalPlan(NAME)));
  }

  private static Map<String, String> kvs(TopologyAPI.Config config) {
    Map<String, String> kvs = new java.util.LinkedHashMap<>();
    config.getKvsList().forEach(kv -> kvs.put(kv.getKey(), kv.getValue()));
    return kvs;
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIn.port() + pathAndQuery))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertAnswer(HttpResponse<String> response, int status, String body) {
    assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(status);
    assertThat(response.body()).as("body of %s", response.uri()).isEqualTo(body);
  }
}
