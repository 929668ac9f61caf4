package io.heroncp.topology;

import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.HeronConfigKeys;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronStateNodes;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.problems.InvalidFieldException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The orchestration core (runner, lifecycle, verbs, reconciler) wired over in-memory fakes of its
 * ports, the one place that knows the core's constructors. Topologies are spout-only definitions
 * built with Heron's protobuf API, read and packed by the real {@link DefinitionReader} and {@link
 * RoundRobinPacking}.
 */
final class CoreFixture implements AutoCloseable {

  static final String CLUSTER = "local";
  static final String HERON_ROOT = "/heron";
  static final Duration RECONCILE_AFTER = Duration.ofSeconds(30);
  static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
  static final Duration DEGRADED_AFTER = Duration.ofSeconds(60);
  static final Duration READINESS_WAIT = Duration.ofMillis(300);
  static final String SUBMIT_SCOPE = "POST\n/api/v1/topologies/local/alice/devel";

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  final InMemoryTopologyRepository topologies = new InMemoryTopologyRepository();
  final InMemoryOperationLog operations = new InMemoryOperationLog(clock, Duration.ofHours(24));
  final InMemoryLocks locks = new InMemoryLocks();
  final ScriptedScheduler scheduler = new ScriptedScheduler(CLUSTER, locks);
  final ScriptedTopologyManager topologyManager = new ScriptedTopologyManager();
  final InMemoryPackages packages = new InMemoryPackages(1024 * 1024);
  final List<String> repairs = new ArrayList<>();

  /** Runs right after an operation's intent is recorded; a test sets it to crash there. */
  volatile OperationHooks hooks = OperationHooks.NONE;

  private final ExecutorService background =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "core-fixture-operation");
            thread.setDaemon(true);
            return thread;
          });
  final OperationRunner runner;
  final TopologyLifecycle lifecycle;
  final TopologyVerbs verbs;
  final Reconciler reconciler;
  final TopologyStatusWatcher statusWatcher;
  final TopologyReadiness readiness;
  final TopologyClusters clusters;

  CoreFixture() {
    TopologyClusters clusters =
        new TopologyClusters() {
          @Override
          public HeronCluster heronCluster(String name) {
            if (!CLUSTER.equals(name)) {
              throw new InvalidFieldException(
                  "cluster '" + name + "' is not configured; known: [" + CLUSTER + "]", "cluster");
            }
            return new HeronCluster(CLUSTER, "devel", HERON_ROOT, "", null, Map.of());
          }

          @Override
          public java.util.Set<String> names() {
            return java.util.Set.of(CLUSTER);
          }
        };
    this.clusters = clusters;
    SchedulerDirectory schedulers =
        cluster -> {
          clusters.heronCluster(cluster);
          return scheduler;
        };
    DefinitionReader definitions = new DefinitionReader();
    RoundRobinPacking packing = new RoundRobinPacking();
    statusWatcher =
        new TopologyStatusWatcher(
            topologies,
            locks,
            schedulers,
            operations,
            topologyManager,
            clusters,
            new StatusProperties(POLL_INTERVAL, 100, DEGRADED_AFTER),
            clock);
    readiness = new TopologyReadiness(topologies, READINESS_WAIT, POLL_INTERVAL);
    runner =
        new OperationRunner(
            topologies,
            operations,
            locks,
            Duration.ofMillis(100),
            background,
            operation -> hooks.afterIntentRecorded(operation),
            clock,
            (operation, nanos) -> {},
            readiness);
    lifecycle =
        new TopologyLifecycle(
            clusters,
            definitions,
            packing,
            schedulers,
            topologies,
            packages,
            new InMemorySubmitJournal(topologies, operations),
            "127.0.0.1:2181",
            runner,
            statusWatcher,
            clock);
    verbs =
        new TopologyVerbs(
            runner,
            clusters,
            schedulers,
            topologyManager,
            topologies,
            definitions,
            packing,
            Duration.ofMinutes(10));
    reconciler =
        new Reconciler(
            topologies,
            operations,
            locks,
            schedulers,
            topologyManager,
            clusters,
            lifecycle,
            RECONCILE_AFTER,
            READINESS_WAIT,
            clock,
            new Reconciler.Listener() {
              @Override
              public void ran() {}

              @Override
              public void repaired(String what) {
                repairs.add(what);
              }
            });
  }

  static TopologyKey key(String name) {
    return new TopologyKey(CLUSTER, "alice", "devel", name);
  }

  static String topologyId(String name) {
    return name + "-0c5e2f3a";
  }

  /**
   * A definition with one spout {@code sentence} of this parallelism on {@code stmgrs} containers.
   */
  static byte[] definition(String name, int parallelism, int stmgrs, boolean paused) {
    TopologyAPI.Config.Builder spoutConfig =
        TopologyAPI.Config.newBuilder()
            .addKvs(
                TopologyAPI.Config.KeyValue.newBuilder()
                    .setKey(HeronConfigKeys.COMPONENT_PARALLELISM)
                    .setValue(Integer.toString(parallelism)));
    return TopologyAPI.Topology.newBuilder()
        .setId(topologyId(name))
        .setName(name)
        .setState(paused ? TopologyAPI.TopologyState.PAUSED : TopologyAPI.TopologyState.RUNNING)
        .addSpouts(
            TopologyAPI.Spout.newBuilder()
                .setComp(
                    TopologyAPI.Component.newBuilder()
                        .setName("sentence")
                        .setClassName("example.SentenceSpout")
                        .setConfig(spoutConfig)))
        .setTopologyConfig(
            TopologyAPI.Config.newBuilder()
                .addKvs(
                    TopologyAPI.Config.KeyValue.newBuilder()
                        .setKey(HeronConfigKeys.STMGRS)
                        .setValue(Integer.toString(stmgrs))))
        .build()
        .toByteArray();
  }

  static SubmitCommand submitCommand(String name, int parallelism, int stmgrs, boolean paused) {
    byte[] definition = definition(name, parallelism, stmgrs, paused);
    byte[] binary = jarOf(name);
    return new SubmitCommand(
        name,
        CLUSTER,
        "alice",
        "devel",
        null,
        new Upload(name + ".defn", definition.length, () -> new ByteArrayInputStream(definition)),
        new Upload(name + ".jar", binary.length, () -> new ByteArrayInputStream(binary)),
        false,
        null,
        Map.of());
  }

  /**
   * One status poll a moment later: settling topologies whose tasks run and whose topology manager
   * is up become RUNNING or PAUSED.
   */
  void settle() {
    clock.advance(Duration.ofMillis(1));
    statusWatcher.pollOnce(CLUSTER);
  }

  /** A real (tiny) jar: the service checks that a .jar is a zip. */
  static byte[] jarOf(String name) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
      zip.putNextEntry(new java.util.zip.ZipEntry("README"));
      zip.write(("jar of " + name).getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static SubmitCommand submitCommand(String name) {
    return submitCommand(name, 1, 1, false);
  }

  OperationResult submit(String name, String idempotencyKey) {
    return lifecycle.submit(
        submitCommand(name), "alice", idempotencyKey, idempotencyKey == null ? null : SUBMIT_SCOPE);
  }

  /**
   * A topology submitted and running, its topology manager up; the calls made so far are forgotten,
   * so a test sees only its own.
   */
  TopologyRecord running(String name, int parallelism, int stmgrs) {
    lifecycle.submit(submitCommand(name, parallelism, stmgrs, false), "alice", null, null);
    topologyManager.started(name, topologyId(name), "RUNNING");
    settle();
    forgetCalls();
    return record(name);
  }

  TopologyRecord running(String name) {
    return running(name, 1, 1);
  }

  /** A topology submitted deactivated (PAUSED). */
  TopologyRecord paused(String name) {
    lifecycle.submit(submitCommand(name, 1, 1, true), "alice", null, null);
    topologyManager.started(name, topologyId(name), "PAUSED");
    settle();
    forgetCalls();
    return record(name);
  }

  void forgetCalls() {
    scheduler.forgetCalls();
    topologyManager.forgetCalls();
  }

  /** The stored record; fails when there is none. */
  TopologyRecord record(String name) {
    return topologies
        .find(CLUSTER, name)
        .orElseThrow(() -> new AssertionError("no record of " + name));
  }

  boolean hasRecord(String name) {
    return topologies.find(CLUSTER, name).isPresent();
  }

  /** The packing plan in Heron's {@code packingplans/<name>} node. */
  PackingPlan packingPlan(String name) {
    return topologies
        .heronPackingPlan(HeronStateNodes.of(HERON_ROOT, name))
        .map(HeronStateCodec::decodePackingPlan)
        .orElseThrow(() -> new AssertionError("no packing plan of " + name));
  }

  /** Heron's state nodes of this topology that exist. */
  List<String> heronNodes(String name) {
    return topologies.heronNodes().stream().filter(p -> p.endsWith("/" + name)).toList();
  }

  OperationRequest request(String name) {
    return new OperationRequest(key(name), "alice", null, null, null, false);
  }

  OperationRequest requestWithKey(String name, String idempotencyKey, String path) {
    return new OperationRequest(key(name), "alice", idempotencyKey, "POST\n" + path, null, false);
  }

  OperationRequest requestIfMatch(String name, String ifMatch) {
    return new OperationRequest(key(name), "alice", null, null, ifMatch, false);
  }

  /** Makes every operation and record so far older than reconcile-after. */
  void timePasses() {
    clock.advance(RECONCILE_AFTER.plusSeconds(1));
  }

  /** One poll of the status watcher, a poll interval later. */
  void statusPoll() {
    clock.advance(POLL_INTERVAL);
    statusWatcher.pollOnce(CLUSTER);
  }

  /** A hook that crashes (as a dying replica) right after the intent of this verb was recorded. */
  void crashAfterIntentOf(Operation.Verb verb) {
    hooks =
        operation -> {
          if (operation.verb() == verb) {
            throw new Faults.Crash("crash after the intent of " + operation.id());
          }
        };
  }

  @Override
  public void close() {
    background.shutdownNow();
  }
}
