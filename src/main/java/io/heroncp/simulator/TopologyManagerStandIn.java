package io.heroncp.simulator;

import com.sun.net.httpserver.HttpServer;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronTopologyState;
import io.heroncp.heron.TManagerLocation;
import io.heroncp.heron.proto.TopologyAPI;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays Heron's topology manager (TManager, the process container 0 runs) for every Heron topology
 * the {@link AuroraSimulator} runs, so that the runtime verbs work locally without Heron's
 * processes:
 *
 * <ul>
 *   <li>When instance 0 of a job made by this service (see {@link HeronExecutorArguments}) becomes
 *       RUNNING, it does what a starting TManager does in ZooKeeper: creates {@code pplans/<name>}
 *       (persistent; the trimmed topology from {@code topologies/<name>} with that topology's
 *       initial state) unless one exists, so a restart keeps the runtime state; and creates {@code
 *       tmanagers/<name>} (ephemeral, in the given Curator client's session) pointing at this
 *       stand-in's HTTP port.
 *   <li>When instance 0 leaves RUNNING (killing, restarting, ...), it deletes {@code
 *       tmanagers/<name>}; when no task of the job is active any more, it stops answering for the
 *       topology.
 *   <li>Like the TManager, it watches {@code packingplans/<name>}; on a change it rewrites {@code
 *       pplans/<name>} from the (updated) {@code topologies/<name>}, keeping the runtime state, so
 *       a caller waiting for a new physical plan after an update sees one. (A real TManager deletes
 *       the plan and restarts; its new plan drops runtime config, and so does this one.)
 *   <li>It serves the TManager controller over HTTP on one port for all topologies ({@link
 *       TManagerControllerEndpoint}).
 * </ul>
 *
 * <p>Its ephemeral nodes live in the Curator client's session: after a reconnect (a session expiry
 * removed them) and on start (a restarted simulator resumes RUNNING jobs) it writes them again for
 * every topology whose instance 0 is RUNNING; a node left by an earlier session is replaced.
 *
 * <p>Thread-safe: ZooKeeper reads and writes for a topology run under this object's monitor,
 * whichever thread (simulator events, HTTP, packing-plan watch) triggers them. Call {@link
 * #start()} once, then {@link #close()}.
 */
public final class TopologyManagerStandIn implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopologyManagerStandIn.class);
  private static final Set<ScheduleStatus> ACTIVE = aurora_apiConstants.ACTIVE_STATES;

  private final AuroraSimulator simulator;
  private final CuratorFramework curator;
  private final String host;
  private final int requestedPort;
  private final TaskStatusListener listener = this::onTaskStatus;
  private final ConnectionStateListener reconnects =
      (client, state) -> {
        if (state == ConnectionState.RECONNECTED) {
          reRegister("the ZooKeeper connection came back");
        }
      };
  private final Map<String, ServedTopology> byId = new ConcurrentHashMap<>();
  private final Map<JobKey, ServedTopology> byJob = new ConcurrentHashMap<>();
  private volatile HttpServer server;
  private boolean closed; // guarded by this

  /**
   * @param simulator the simulator whose jobs it follows
   * @param curator the ZooKeeper client holding Heron's state (its session owns the {@code
   *     tmanagers} nodes)
   * @param host the address it listens on and publishes in {@code tmanagers/<name>}
   * @param port its HTTP port; 0 = a free port
   */
  public TopologyManagerStandIn(
      AuroraSimulator simulator, CuratorFramework curator, String host, int port) {
    this.simulator = simulator;
    this.curator = curator;
    this.host = host;
    this.requestedPort = port;
  }

  /**
   * Binds the HTTP port, starts following the simulator, and takes over the Heron jobs whose
   * instance 0 is already RUNNING.
   *
   * @throws IOException the port cannot be bound
   */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("Topology manager stand-in already started");
    }
    HttpServer http = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
    http.createContext("/", new TManagerControllerEndpoint(this, curator, byId::get));
    http.start();
    server = http;
    simulator.addTaskStatusListener(listener);
    curator.getConnectionStateListenable().addListener(reconnects);
    takeOverRunning();
    log.info(
        "Topology manager stand-in serves Heron's TManager controller on http://{}:{}",
        host,
        port());
  }

  /** Publishes (again) the topology manager of every Heron job whose instance 0 is RUNNING. */
  private void takeOverRunning() {
    Response running =
        simulator.getTasksStatus(
            new TaskQuery().setStatuses(Set.of(ScheduleStatus.RUNNING)).setInstanceIds(Set.of(0)));
    if (running.isSetResult()) {
      for (ScheduledTask task : running.getResult().getScheduleStatusResult().getTasks()) {
        onTaskStatus(
            new TaskStatusChange(
                task.getAssignedTask().getTask().getJob(),
                0,
                task.getAssignedTask().getTaskId(),
                task.getStatus(),
                task.getAssignedTask().getTask()));
      }
    }
  }

  /**
   * After a reconnect: a session that expired took the ephemeral {@code tmanagers} nodes with it,
   * so they are written again (in the new session) for every topology whose instance 0 runs.
   */
  private void reRegister(String why) {
    synchronized (this) {
      if (closed || server == null) {
        return;
      }
    }
    log.info("Re-registering the topology managers of running topologies: {}", why);
    takeOverRunning();
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

  /**
   * Stops following the simulator and serving, and deletes the {@code tmanagers} nodes it wrote.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    closed = true;
    simulator.removeTaskStatusListener(listener);
    curator.getConnectionStateListenable().removeListener(reconnects);
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
    Response response =
        simulator.getTasksStatus(new TaskQuery().setJobKeys(Set.of(job)).setStatuses(ACTIVE));
    return !response.isSetResult()
        || !response.getResult().getScheduleStatusResult().getTasks().isEmpty();
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
      served =
          new ServedTopology(
              job, arguments.topologyName(), arguments.topologyId(), arguments.paths());
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
      log.info(
          "Topology manager of {} ({}) is up (stand-in on port {})",
          served.name,
          served.id,
          port());
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

  /**
   * The trimmed topology, or null (logged) when it is missing or not this topology, as a TManager
   * would exit.
   */
  private byte[] topology(ServedTopology served) throws Exception {
    byte[] bytes;
    try {
      bytes = curator.getData().forPath(served.paths.topology(served.name));
    } catch (KeeperException.NoNodeException e) {
      log.warn(
          "No {}; the topology manager of {} cannot build a physical plan",
          served.paths.topology(served.name),
          served.name);
      return null;
    }
    TopologyAPI.Topology topology = TopologyAPI.Topology.parseFrom(bytes);
    if (!served.id.equals(topology.getId())) {
      log.warn(
          "{} holds topology id {}, not {}; the topology manager of {} cannot start",
          served.paths.topology(served.name),
          topology.getId(),
          served.id,
          served.name);
      return null;
    }
    return bytes;
  }

  private void createPhysicalPlan(ServedTopology served, byte[] topologyBytes) throws Exception {
    HeronTopologyState state =
        HeronTopologyState.valueOf(TopologyAPI.Topology.parseFrom(topologyBytes).getState().name());
    try {
      curator
          .create()
          .creatingParentContainersIfNeeded()
          .forPath(
              served.paths.physicalPlan(served.name),
              HeronStateCodec.encodePhysicalPlan(topologyBytes, state));
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
    byte[] location =
        HeronStateCodec.encodeTManagerLocation(
            new TManagerLocation(served.name, served.id, host, port, port, port));
    String path = served.paths.tmanagerLocation(served.name);
    try {
      curator
          .create()
          .creatingParentContainersIfNeeded()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(path, location);
    } catch (KeeperException.NodeExistsException e) {
      Stat stat = curator.checkExists().forPath(path);
      long session = curator.getZookeeperClient().getZooKeeper().getSessionId();
      if (stat != null && stat.getEphemeralOwner() != session) {
        // Left by an earlier session (a process killed before its session ended): it would vanish
        // when that session expires, so it is replaced by one of this session.
        curator.delete().withVersion(stat.getVersion()).forPath(path);
        curator
            .create()
            .creatingParentContainersIfNeeded()
            .withMode(CreateMode.EPHEMERAL)
            .forPath(path, location);
      } else {
        curator.setData().forPath(path, location);
      }
    }
    served.locationWritten = true;
  }

  private void deleteLocation(ServedTopology served) {
    try {
      curator.delete().forPath(served.paths.tmanagerLocation(served.name));
    } catch (KeeperException.NoNodeException e) {
      // Already gone: fine.
    } catch (Exception e) {
      log.warn(
          "Could not delete the topology manager location of {}: {}", served.name, e.toString());
    }
    served.locationWritten = false;
  }

  // ---------------------------------------------------------------------------------------------
  // Following packing-plan changes

  private void watchPackingPlan(ServedTopology served) {
    CuratorCache cache =
        CuratorCache.build(
            curator, served.paths.packingPlan(served.name), CuratorCache.Options.SINGLE_NODE_CACHE);
    cache
        .listenable()
        .addListener(
            CuratorCacheListener.builder()
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
      log.warn(
          "Could not rewrite the physical plan of {} after a packing-plan change: {}",
          served.name,
          e.toString());
    }
  }
}
