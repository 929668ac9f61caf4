package io.heroncp.simulator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.heron.HeronPaths;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronTopologyState;
import io.heroncp.heron.TManagerLocation;
import io.heroncp.heron.proto.PhysicalPlans;
import io.heroncp.heron.proto.TopologyAPI;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays Heron's topology manager (TManager, the process container 0 runs) for every Heron topology the
 * {@link AuroraSimulator} runs, so that the runtime verbs work locally without Heron's processes:
 *
 * <ul>
 *   <li>When instance 0 of a job made by this service (see {@link HeronExecutorArguments}) becomes RUNNING, it
 *       does what a starting TManager does in ZooKeeper: creates {@code pplans/<name>} (persistent; the trimmed
 *       topology from {@code topologies/<name>} with that topology's initial state) unless one exists, so a
 *       restart keeps the runtime state; and creates {@code tmanagers/<name>} (ephemeral, in the given
 *       Curator client's session) pointing at this stand-in's HTTP port.
 *   <li>When instance 0 leaves RUNNING (killing, restarting, ...), it deletes {@code tmanagers/<name>}; when no
 *       task of the job is active any more, it stops answering for the topology.
 *   <li>Like the TManager, it watches {@code packingplans/<name>}; on a change it rewrites {@code pplans/<name>}
 *       from the (updated) {@code topologies/<name>}, keeping the runtime state, so a caller waiting for a new
 *       physical plan after an update sees one. (A real TManager deletes the plan and restarts; its new plan
 *       drops runtime config, and so does this one.)
 *   <li>It serves the TManager controller over HTTP on one port for all topologies, told apart by
 *       {@code topologyid}: {@code /activate}, {@code /deactivate} and {@code /runtime_config/update}, with the
 *       status codes and messages of Heron's {@code tcontroller.cpp} (messages in the body, as plain text).
 * </ul>
 *
 * <p>Thread-safe: ZooKeeper reads and writes for a topology run under this object's monitor, whichever thread
 * (simulator events, HTTP, packing-plan watch) triggers them. Call {@link #start()} once, then {@link #close()}.
 */
public final class TopologyManagerStandIn implements AutoCloseable {

  static final String MISSING_ID = "Missing 'topologyid' argument in the request";
  static final String ID_MISMATCH = "Topology id does not match";
  static final String NOT_INITIALIZED = "Tmanager still not initialized (physical plan is not available)";
  static final String ACTIVATED = "Topology successfully activated";
  static final String DEACTIVATED = "Topology successfully deactivated";
  // Heron answers a wrong state with an empty 400; these are the lines its TManager logs at that point.
  static final String NOT_PAUSED = "Topology not in paused state";
  static final String NOT_RUNNING = "Topology not in running state";
  static final String NO_RUNTIME_CONFIG =
      "No runtime config is found. Usage: runtime-config=[COMPONENT:]<CONFIG>:<VALUE>.";
  static final String BAD_RUNTIME_CONFIG = "Failed to parse runtime configs. Possibly bad format."
      + " The expected format is [COMPONENT:]<CONFIG>:<VALUE>.";
  static final String INVALID_RUNTIME_CONFIG = "Failed to validate runtime configs";
  static final String RUNTIME_CONFIG_UPDATED = "Runtime config updated";
  /** Heron's {@code TopologyConfigHelper} key for topology-level runtime config. */
  static final String TOPOLOGY_CONFIG_KEY = "_topology_";
  /** Heron's suffix for runtime config keys in the physical plan's topology. */
  static final String RUNTIME_CONFIG_POSTFIX = ":runtime";

  private static final Logger log = LoggerFactory.getLogger(TopologyManagerStandIn.class);
  private static final Set<ScheduleStatus> ACTIVE = aurora_apiConstants.ACTIVE_STATES;

  private final AuroraSimulator simulator;
  private final CuratorFramework curator;
  private final String host;
  private final int requestedPort;
  private final TaskStatusListener listener = this::onTaskStatus;
  private final Map<String, ServedTopology> byId = new ConcurrentHashMap<>();
  private final Map<JobKey, ServedTopology> byJob = new ConcurrentHashMap<>();
  private volatile HttpServer server;
  private boolean closed; // guarded by this

  /**
   * @param simulator the simulator whose jobs it follows
   * @param curator the ZooKeeper client holding Heron's state (its session owns the {@code tmanagers} nodes)
   * @param host the address it listens on and publishes in {@code tmanagers/<name>}
   * @param port its HTTP port; 0 = a free port
   */
  public TopologyManagerStandIn(AuroraSimulator simulator, CuratorFramework curator, String host, int port) {
    this.simulator = simulator;
    this.curator = curator;
    this.host = host;
    this.requestedPort = port;
  }

  /**
   * Binds the HTTP port, starts following the simulator, and takes over the Heron jobs whose instance 0 is
   * already RUNNING.
   *
   * @throws IOException the port cannot be bound
   */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("Topology manager stand-in already started");
    }
    HttpServer http = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
    http.createContext("/", this::handle);
    http.start();
    server = http;
    simulator.addTaskStatusListener(listener);
    Response running = simulator.getTasksStatus(new TaskQuery()
        .setStatuses(Set.of(ScheduleStatus.RUNNING)).setInstanceIds(Set.of(0)));
    if (running.isSetResult()) {
      for (ScheduledTask task : running.getResult().getScheduleStatusResult().getTasks()) {
        onTaskStatus(new TaskStatusChange(task.getAssignedTask().getTask().getJob(), 0,
            task.getAssignedTask().getTaskId(), task.getStatus(), task.getAssignedTask().getTask()));
      }
    }
    log.info("Topology manager stand-in serves Heron's TManager controller on http://{}:{}", host, port());
  }

  /** The bound HTTP port (the controller port published in {@code tmanagers/<name>}). */
  public int port() {
    HttpServer http = server;
    if (http == null) {
      throw new IllegalStateException("Topology manager stand-in not started");
    }
    return http.getAddress().getPort();
  }

  /** The ids of the topologies it currently answers for. */
  public Set<String> servedTopologyIds() {
    return Set.copyOf(byId.keySet());
  }

  /** Stops following the simulator and serving, and deletes the {@code tmanagers} nodes it wrote. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    simulator.removeTaskStatusListener(listener);
    HttpServer http = server;
    if (http != null) {
      http.stop(0);
    }
    for (ServedTopology served : new ArrayList<>(byId.values())) {
      stopServing(served);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Following the simulator

  private void onTaskStatus(TaskStatusChange change) {
    ServedTopology served = byJob.get(change.job());
    if (change.instanceId() == 0) {
      if (change.status() == ScheduleStatus.RUNNING) {
        HeronExecutorArguments arguments = HeronExecutorArguments.of(change.task()).orElse(null);
        if (arguments == null) {
          log.debug("Job {} is not a Heron job made by this service; ignored", change.job());
          return;
        }
        managerStarted(change.job(), arguments);
        return;
      }
      if (served != null) {
        managerStopped(served, change.status());
      }
    }
    if (served != null && !ACTIVE.contains(change.status()) && !jobActive(change.job())) {
      synchronized (this) {
        if (byJob.get(change.job()) == served) {
          stopServing(served);
        }
      }
    }
  }

  private boolean jobActive(JobKey job) {
    Response response = simulator.getTasksStatus(new TaskQuery().setJobKeys(Set.of(job)).setStatuses(ACTIVE));
    return !response.isSetResult() || !response.getResult().getScheduleStatusResult().getTasks().isEmpty();
  }

  private synchronized void managerStarted(JobKey job, HeronExecutorArguments arguments) {
    if (closed) {
      return; // a change queued before close()
    }
    ServedTopology served = byJob.get(job);
    if (served != null && !served.id.equals(arguments.topologyId())) {
      stopServing(served);
      served = null;
    }
    if (served == null) {
      served = new ServedTopology(job, arguments.topologyName(), arguments.topologyId(), arguments.paths());
      byJob.put(job, served);
      byId.put(served.id, served);
      watchPackingPlan(served);
    }
    try {
      if (curator.checkExists().forPath(served.paths.physicalPlan(served.name)) == null) {
        byte[] topology = topology(served);
        if (topology == null) {
          return;
        }
        createPhysicalPlan(served, topology);
      }
      writeLocation(served);
      log.info("Topology manager of {} ({}) is up (stand-in on port {})", served.name, served.id, port());
    } catch (Exception e) {
      log.warn("Could not publish the topology manager of {}: {}", served.name, e.toString());
    }
  }

  private synchronized void managerStopped(ServedTopology served, ScheduleStatus status) {
    if (served.locationWritten) {
      deleteLocation(served);
      log.info("Topology manager of {} is down (instance 0 {})", served.name, status);
    }
  }

  private synchronized void stopServing(ServedTopology served) {
    byId.remove(served.id, served);
    byJob.remove(served.job, served);
    served.packingPlanWatch.close();
    if (served.locationWritten) {
      deleteLocation(served);
    }
    log.info("Topology manager stand-in no longer serves {} ({})", served.name, served.id);
  }

  /** The trimmed topology, or null (logged) when it is missing or not this topology, as a TManager would exit. */
  private byte[] topology(ServedTopology served) throws Exception {
    byte[] bytes;
    try {
      bytes = curator.getData().forPath(served.paths.topology(served.name));
    } catch (KeeperException.NoNodeException e) {
      log.warn("No {}; the topology manager of {} cannot build a physical plan",
          served.paths.topology(served.name), served.name);
      return null;
    }
    TopologyAPI.Topology topology = TopologyAPI.Topology.parseFrom(bytes);
    if (!served.id.equals(topology.getId())) {
      log.warn("{} holds topology id {}, not {}; the topology manager of {} cannot start",
          served.paths.topology(served.name), topology.getId(), served.id, served.name);
      return null;
    }
    return bytes;
  }

  private void createPhysicalPlan(ServedTopology served, byte[] topologyBytes) throws Exception {
    HeronTopologyState state =
        HeronTopologyState.valueOf(TopologyAPI.Topology.parseFrom(topologyBytes).getState().name());
    try {
      curator.create().creatingParentContainersIfNeeded()
          .forPath(served.paths.physicalPlan(served.name), HeronStateCodec.encodePhysicalPlan(topologyBytes, state));
      if (curator.checkExists().forPath(served.paths.topology(served.name)) == null) {
        // A kill cleaned Heron's state while we were writing: do not leave a plan behind.
        curator.delete().quietly().forPath(served.paths.physicalPlan(served.name));
        return;
      }
      log.info("Physical plan of {} created, state {}", served.name, state);
    } catch (KeeperException.NodeExistsException e) {
      log.debug("Physical plan of {} already exists; kept", served.name);
    }
  }

  private void writeLocation(ServedTopology served) throws Exception {
    int port = port();
    byte[] location = HeronStateCodec.encodeTManagerLocation(
        new TManagerLocation(served.name, served.id, host, port, port, port));
    String path = served.paths.tmanagerLocation(served.name);
    try {
      curator.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, location);
    } catch (KeeperException.NodeExistsException e) {
      // A leftover of this stand-in (e.g. a missed stop); the real TManager retries until it is gone.
      curator.setData().forPath(path, location);
    }
    served.locationWritten = true;
  }

  private void deleteLocation(ServedTopology served) {
    try {
      curator.delete().forPath(served.paths.tmanagerLocation(served.name));
    } catch (KeeperException.NoNodeException e) {
      // Already gone: fine.
    } catch (Exception e) {
      log.warn("Could not delete the topology manager location of {}: {}", served.name, e.toString());
    }
    served.locationWritten = false;
  }

  // ---------------------------------------------------------------------------------------------
  // Following packing-plan changes

  private void watchPackingPlan(ServedTopology served) {
    CuratorCache cache = CuratorCache.build(curator, served.paths.packingPlan(served.name),
        CuratorCache.Options.SINGLE_NODE_CACHE);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((before, after) -> packingPlanChanged(served))
        .afterInitialized()
        .build());
    served.packingPlanWatch = cache;
    cache.start();
  }

  private synchronized void packingPlanChanged(ServedTopology served) {
    if (byId.get(served.id) != served) {
      return;
    }
    String path = served.paths.physicalPlan(served.name);
    try {
      byte[] current;
      try {
        current = curator.getData().forPath(path);
      } catch (KeeperException.NoNodeException e) {
        current = null;
      }
      byte[] topology = topology(served);
      if (topology == null) {
        return;
      }
      if (current == null) {
        if (served.locationWritten) {
          createPhysicalPlan(served, topology);
        }
        return;
      }
      HeronTopologyState state = HeronStateCodec.decodePhysicalPlanState(current);
      curator.setData().forPath(path, HeronStateCodec.encodePhysicalPlan(topology, state));
      log.info("Packing plan of {} changed; physical plan rewritten, state {}", served.name, state);
    } catch (Exception e) {
      log.warn("Could not rewrite the physical plan of {} after a packing-plan change: {}", served.name,
          e.toString());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The TManager controller (tcontroller.cpp)

  /** An HTTP answer: status and plain-text body. */
  record Answer(int status, String body) {}

  private void handle(HttpExchange exchange) {
    try (exchange) {
      Answer answer;
      try {
        Map<String, List<String>> parameters = parameters(exchange.getRequestURI().getRawQuery());
        answer = switch (exchange.getRequestURI().getPath()) {
          case "/activate" -> transition(parameters, HeronTopologyState.PAUSED, HeronTopologyState.RUNNING,
              ACTIVATED, NOT_PAUSED);
          case "/deactivate" -> transition(parameters, HeronTopologyState.RUNNING, HeronTopologyState.PAUSED,
              DEACTIVATED, NOT_RUNNING);
          case "/runtime_config/update" -> updateRuntimeConfig(parameters);
          default -> new Answer(404, "Not Supported");
        };
      } catch (RuntimeException e) {
        log.warn("Topology manager stand-in failed on {}: {}", exchange.getRequestURI(), e.toString());
        answer = new Answer(500, e.toString());
      }
      log.debug("{} {} -> {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), answer.status(),
          answer.body());
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    } catch (IOException e) {
      log.debug("Could not answer {}: {}", exchange.getRequestURI(), e.toString());
    }
  }

  private synchronized Answer transition(Map<String, List<String>> parameters, HeronTopologyState from,
      HeronTopologyState to, String done, String wrongState) {
    return withPhysicalPlan(parameters, (served, plan) -> {
      if (!from.name().equals(plan.getTopology().getState().name())) {
        return new Answer(400, wrongState);
      }
      PhysicalPlans.PhysicalPlan changed = plan.toBuilder()
          .setTopology(plan.getTopology().toBuilder().setState(TopologyAPI.TopologyState.valueOf(to.name())))
          .build();
      return writePhysicalPlan(served, changed, done);
    });
  }

  private synchronized Answer updateRuntimeConfig(Map<String, List<String>> parameters) {
    return withPhysicalPlan(parameters, (served, plan) -> {
      List<String> values = parameters.get("runtime-config");
      if (values == null || values.isEmpty()) {
        return new Answer(400, NO_RUNTIME_CONFIG);
      }
      // Component (or _topology_) -> key -> value; sorted, as Heron's std::map is.
      Map<String, Map<String, String>> config = new TreeMap<>();
      for (String value : values) {
        String[] segments = value.split(":", -1);
        if (segments.length == 2) {
          config.computeIfAbsent(TOPOLOGY_CONFIG_KEY, k -> new TreeMap<>()).put(segments[0], segments[1]);
        } else if (segments.length == 3) {
          config.computeIfAbsent(segments[0], k -> new TreeMap<>()).put(segments[1], segments[2]);
        } else {
          return new Answer(400, BAD_RUNTIME_CONFIG);
        }
      }
      TopologyAPI.Topology.Builder topology = plan.getTopology().toBuilder();
      Set<String> components = new HashSet<>();
      topology.getSpoutsList().forEach(spout -> components.add(spout.getComp().getName()));
      topology.getBoltsList().forEach(bolt -> components.add(bolt.getComp().getName()));
      for (String component : config.keySet()) {
        if (!TOPOLOGY_CONFIG_KEY.equals(component) && !components.contains(component)) {
          return new Answer(400, INVALID_RUNTIME_CONFIG);
        }
      }
      for (Map.Entry<String, Map<String, String>> entry : config.entrySet()) {
        Map<String, String> runtime = new TreeMap<>();
        entry.getValue().forEach((key, value) -> runtime.put(key + RUNTIME_CONFIG_POSTFIX, value));
        if (TOPOLOGY_CONFIG_KEY.equals(entry.getKey())) {
          if (topology.hasTopologyConfig()) {
            setRuntimeConfig(topology.getTopologyConfigBuilder(), runtime);
          }
          continue;
        }
        for (TopologyAPI.Spout.Builder spout : topology.getSpoutsBuilderList()) {
          if (spout.getComp().getName().equals(entry.getKey())) {
            setRuntimeConfig(spout.getCompBuilder().getConfigBuilder(), runtime);
          }
        }
        for (TopologyAPI.Bolt.Builder bolt : topology.getBoltsBuilderList()) {
          if (bolt.getComp().getName().equals(entry.getKey())) {
            setRuntimeConfig(bolt.getCompBuilder().getConfigBuilder(), runtime);
          }
        }
      }
      return writePhysicalPlan(served, plan.toBuilder().setTopology(topology).build(), RUNTIME_CONFIG_UPDATED);
    });
  }

  /** Heron's {@code UpdateRuntimeConfigFromKVMap}: update existing keys in place, then append the new ones. */
  private static void setRuntimeConfig(TopologyAPI.Config.Builder config, Map<String, String> runtime) {
    Set<String> updated = new HashSet<>();
    for (TopologyAPI.Config.KeyValue.Builder kv : config.getKvsBuilderList()) {
      String value = runtime.get(kv.getKey());
      if (value != null) {
        kv.setValue(value);
        updated.add(kv.getKey());
      }
    }
    runtime.forEach((key, value) -> {
      if (!updated.contains(key)) {
        config.addKvs(TopologyAPI.Config.KeyValue.newBuilder().setKey(key).setValue(value));
      }
    });
  }

  /** Heron's {@code ValidateTopology}: the id must be given and served, and the physical plan must exist. */
  private Answer withPhysicalPlan(Map<String, List<String>> parameters, PlanAction action) {
    List<String> ids = parameters.get("topologyid");
    String id = ids == null || ids.isEmpty() ? "" : ids.get(0);
    if (id.isEmpty()) {
      return new Answer(400, MISSING_ID);
    }
    ServedTopology served = byId.get(id);
    if (served == null) {
      return new Answer(400, ID_MISMATCH);
    }
    PhysicalPlans.PhysicalPlan plan;
    try {
      plan = PhysicalPlans.PhysicalPlan.parseFrom(curator.getData().forPath(served.paths.physicalPlan(served.name)));
    } catch (KeeperException.NoNodeException e) {
      return new Answer(500, NOT_INITIALIZED);
    } catch (InvalidProtocolBufferException e) {
      return new Answer(500, "The physical plan of " + served.name + " is not a Heron PhysicalPlan: "
          + e.getMessage());
    } catch (Exception e) {
      return new Answer(500, "Could not read the physical plan of " + served.name + ": " + e);
    }
    return action.apply(served, plan);
  }

  private Answer writePhysicalPlan(ServedTopology served, PhysicalPlans.PhysicalPlan plan, String done) {
    try {
      curator.setData().forPath(served.paths.physicalPlan(served.name), plan.toByteArray());
    } catch (Exception e) {
      log.warn("Could not write the physical plan of {}: {}", served.name, e.toString());
      return new Answer(500, "Could not write the physical plan of " + served.name + ": " + e);
    }
    log.info("{}: {} (state {})", served.name, done, plan.getTopology().getState());
    return new Answer(200, done);
  }

  private static Map<String, List<String>> parameters(String rawQuery) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return parameters;
  }

  @FunctionalInterface
  private interface PlanAction {
    Answer apply(ServedTopology served, PhysicalPlans.PhysicalPlan plan);
  }

  /** One topology it answers for. Mutable fields are guarded by the stand-in's monitor. */
  private static final class ServedTopology {
    final JobKey job;
    final String name;
    final String id;
    final HeronPaths paths;
    CuratorCache packingPlanWatch;
    boolean locationWritten;

    ServedTopology(JobKey job, String name, String id, HeronPaths paths) {
      this.job = job;
      this.name = name;
      this.id = id;
      this.paths = paths;
    }
  }
}
