package io.heroncp.topology;

import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronStateNodes;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.InvalidFieldException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime verbs of a running topology, as Heron's runtime manager performs them on Aurora:
 * activate/deactivate and runtime config through the topology manager; restart through Aurora's
 * {@code restartShards}; scaling through Aurora instances or a job update, with the new packing
 * plan in ZooKeeper. Every verb runs through the {@link OperationRunner}.
 */
public class TopologyVerbs {

  private static final Logger log = LoggerFactory.getLogger(TopologyVerbs.class);

  private final OperationRunner runner;
  private final TopologyClusters clusters;
  private final SchedulerDirectory schedulers;
  private final TopologyManagerClient topologyManager;
  private final TopologyRepository store;
  private final DefinitionReader definitions;
  private final RoundRobinPacking packing;
  private final Duration updateTimeout;
  private final RequestBounds bounds;

  public TopologyVerbs(
      OperationRunner runner,
      TopologyClusters clusters,
      SchedulerDirectory schedulers,
      TopologyManagerClient topologyManager,
      TopologyRepository store,
      DefinitionReader definitions,
      RoundRobinPacking packing,
      Duration updateTimeout) {
    this(
        runner,
        clusters,
        schedulers,
        topologyManager,
        store,
        definitions,
        packing,
        updateTimeout,
        new RequestBounds(LimitsProperties.defaults()));
  }

  public TopologyVerbs(
      OperationRunner runner,
      TopologyClusters clusters,
      SchedulerDirectory schedulers,
      TopologyManagerClient topologyManager,
      TopologyRepository store,
      DefinitionReader definitions,
      RoundRobinPacking packing,
      Duration updateTimeout,
      RequestBounds bounds) {
    this.runner = runner;
    this.clusters = clusters;
    this.schedulers = schedulers;
    this.topologyManager = topologyManager;
    this.store = store;
    this.definitions = definitions;
    this.packing = packing;
    this.updateTimeout = updateTimeout;
    this.bounds = bounds;
  }

  /** A rendered update: both packing plans and the calls that would be made, in order. */
  public record UpdatePlan(
      TopologyKey key,
      PackingPlan current,
      PackingPlan proposed,
      List<String> calls,
      String format) {}

  public OperationResult activate(OperationRequest request) {
    return runner.run(
        request,
        Operation.Verb.ACTIVATE,
        Map.of(),
        () -> existing(request.key()),
        (operation, record) -> {
          topologyManager.activate(heronRoot(record), record.key().name(), record.topologyId());
          return record;
        });
  }

  public OperationResult deactivate(OperationRequest request) {
    return runner.run(
        request,
        Operation.Verb.DEACTIVATE,
        Map.of(),
        () -> existing(request.key()),
        (operation, record) -> {
          topologyManager.deactivate(heronRoot(record), record.key().name(), record.topologyId());
          return record;
        });
  }

  /**
   * Restarts one container ({@code containerId} 0..containers) or all ({@code null} or -1).
   * Container 0 runs the topology manager: its location is cleared first, as Heron does.
   */
  public OperationResult restart(OperationRequest request, Integer containerId) {
    int container = containerId == null ? -1 : containerId;
    return runner.run(
        request,
        Operation.Verb.RESTART,
        Map.of("container_id", Integer.toString(container)),
        true,
        () -> RequestBounds.restart(existing(request.key()), container),
        (operation, record) -> {
          RequestBounds.restart(record, container); // changed meanwhile (checked from the cache)
          int containers = record.packing().containers();
          Set<Integer> instances =
              container == -1
                  ? IntStream.rangeClosed(0, containers)
                      .boxed()
                      .collect(Collectors.toCollection(TreeSet::new))
                  : Set.of(container);
          if (instances.contains(0)) {
            topologyManager.clearLocation(heronRoot(record), record.key().name());
          }
          schedulers.forCluster(record.key().cluster()).restart(record.key(), instances);
          return record;
        });
  }

  /** Renders an update without changing anything. */
  public UpdatePlan planUpdate(TopologyKey key, UpdateRequest update) {
    validate(update);
    String format = DryRunFormat.of(update.dryRunFormat(), DryRunFormat.UPDATE_DEFAULT);
    TopologyRecord record = existing(key);
    bounds.update(record, update);
    if (!update.repacks()) {
      return new UpdatePlan(
          key,
          currentPlan(record),
          currentPlan(record),
          List.of(
              "topology manager: "
                  + "runtime_config/update?topologyid="
                  + record.topologyId()
                  + " "
                  + update.runtimeConfig()),
          format);
    }
    Repack repack = repack(record, update);
    return new UpdatePlan(key, repack.current(), repack.proposed(), calls(record, repack), format);
  }

  /**
   * Applies an update: runtime config to the topology manager, or a repack with the Aurora changes
   * it needs.
   */
  public OperationResult update(OperationRequest request, UpdateRequest update) {
    validate(update);
    Map<String, String> parameters = new LinkedHashMap<>();
    update
        .parallelism()
        .forEach(
            (component, n) -> parameters.put("component_parallelism." + component, n.toString()));
    if (update.containerNumber() != null) {
      parameters.put("container_number", update.containerNumber().toString());
    }
    if (!update.runtimeConfig().isEmpty()) {
      parameters.put("runtime_config", String.join(",", update.runtimeConfig()));
    }
    return runner.run(
        request,
        Operation.Verb.UPDATE,
        parameters,
        update.repacks(),
        () -> planUpdate(request.key(), update), // refused updates write nothing
        (operation, record) -> {
          if (!update.repacks()) {
            topologyManager.updateRuntimeConfig(
                heronRoot(record),
                record.key().name(),
                record.topologyId(),
                update.runtimeConfig());
            return record;
          }
          return applyRepack(operation, record, repack(record, update));
        });
  }

  private record Repack(
      TopologyDefinition definition,
      Map<String, String> config,
      PackingPlan current,
      PackingPlan proposed) {

    boolean resourcesChange() {
      return !current.maxScheduledResources().equals(proposed.maxScheduledResources());
    }
  }

  private Repack repack(TopologyRecord record, UpdateRequest update) {
    HeronCluster cluster = clusters.heronCluster(record.key().cluster());
    byte[] topology =
        store
            .heronTopology(HeronStateNodes.of(cluster.heronRoot(), record.key().name()))
            .orElseThrow(
                () ->
                    new DependencyFailedException(
                        "Heron's topologies/"
                            + record.key().name()
                            + " node is missing; the topology's state is damaged, kill it"));
    TopologyDefinition definition = definitions.read(topology);
    Map<String, String> config =
        cluster.effectiveConfig(definition.config(), record.configOverrides());
    PackingPlan current = currentPlan(record);
    PackingPlan proposed =
        packing
            .repack(definition, config, current, update.parallelism(), update.containerNumber())
            .withHomogeneousScheduledResources();
    return new Repack(definition, config, current, proposed);
  }

  private PackingPlan currentPlan(TopologyRecord record) {
    byte[] plan =
        store
            .heronPackingPlan(HeronStateNodes.of(heronRoot(record), record.key().name()))
            .orElseThrow(
                () ->
                    new DependencyFailedException(
                        "Heron's packingplans/"
                            + record.key().name()
                            + " node is missing; the topology's state is damaged, kill it"));
    return HeronStateCodec.decodePackingPlan(plan);
  }

  /**
   * The calls an update makes, in the order {@link #applyRepack} makes them; the scheduler words
   * its own.
   */
  private List<String> calls(TopologyRecord record, Repack repack) {
    List<String> calls = new ArrayList<>();
    TopologyScheduler scheduler = schedulers.forCluster(record.key().cluster());
    int from = repack.current().containerCount() + 1;
    int to = repack.proposed().containerCount() + 1;
    boolean running = record.state() == TopologyState.RUNNING;
    if (running) {
      calls.add("topology manager: deactivate?topologyid=" + record.topologyId());
    }
    if (repack.resourcesChange()) {
      calls.addAll(
          scheduler.describeUpdate(record.key(), to, repack.proposed().maxScheduledResources()));
      calls.add("zookeeper: set packingplans/" + record.key().name());
    } else {
      if (to > from) {
        calls.addAll(scheduler.describeScale(record.key(), from, to));
      }
      calls.add("zookeeper: set packingplans/" + record.key().name());
      if (to < from) {
        calls.addAll(scheduler.describeScale(record.key(), from, to));
      }
    }
    if (running) {
      calls.add("topology manager: activate?topologyid=" + record.topologyId());
    }
    return calls;
  }

  /**
   * As Heron's update on Aurora: deactivate (if running), add containers, write the new packing
   * plan, remove containers, reactivate. When the per-container size changes, a job update replaces
   * the instances. A failure after the plan was written puts Aurora and the plan back ({@link
   * #undoRepack}); a failure after the deactivation reactivates before it is reported, so the
   * topology is not left paused.
   */
  private TopologyRecord applyRepack(Operation operation, TopologyRecord record, Repack repack) {
    TopologyKey key = record.key();
    String root = heronRoot(record);
    TopologyScheduler scheduler = schedulers.forCluster(key.cluster());
    boolean running = operation.previousState() == TopologyState.RUNNING;
    int to = repack.proposed().containerCount() + 1;
    if (running) {
      topologyManager.deactivate(root, key.name(), record.topologyId());
    }
    TopologyRecord repacked = null;
    try {
      if (repack.resourcesChange()) {
        scheduler.updateJob(jobRequest(record, repack, repack.proposed()), updateTimeout);
      } else if (to > repack.current().containerCount() + 1) {
        scheduler.scaleTo(key, to);
      }
      repacked =
          store.updateWithPackingPlan(
              record.withPacking(
                  components(record, repack.proposed()),
                  TopologyRecord.PackingSummary.of(repack.proposed())),
              HeronStateNodes.of(root, key.name()),
              HeronStateCodec.encodePackingPlan(repack.proposed()));
      if (!repack.resourcesChange() && to < repack.current().containerCount() + 1) {
        scheduler.scaleTo(key, to);
      }
      if (running) {
        topologyManager.activate(root, key.name(), record.topologyId());
      }
      return repacked;
    } catch (ControlPlaneException failure) {
      RuntimeException reported =
          repacked == null ? failure : undoRepack(record, repacked, repack, failure);
      if (running) {
        try {
          topologyManager.activate(root, key.name(), record.topologyId());
        } catch (ControlPlaneException reactivation) {
          failure.addSuppressed(reactivation);
          log.warn(
              "Update of {} failed and the topology could not be reactivated: {}",
              key,
              reactivation.getMessage());
        }
      }
      throw reported;
    }
  }

  /**
   * Puts Aurora and the packing plan back as they were before a repack whose plan was written,
   * mirroring the repack's order (grow Aurora before the plan, shrink it after). Returns what to
   * report: the failure, or, when the undo fails too, {@link OperationRunner.Unfinished} so the
   * reconciler makes Aurora match the plan in ZooKeeper.
   */
  private RuntimeException undoRepack(
      TopologyRecord before,
      TopologyRecord repacked,
      Repack repack,
      ControlPlaneException failure) {
    TopologyKey key = before.key();
    TopologyScheduler scheduler = schedulers.forCluster(key.cluster());
    int from = repack.current().containerCount() + 1;
    int to = repack.proposed().containerCount() + 1;
    boolean growBack = from > to;
    try {
      if (repack.resourcesChange()) {
        scheduler.updateJob(jobRequest(before, repack, repack.current()), updateTimeout);
      } else if (growBack) {
        scheduler.scaleTo(key, from);
      }
      store.updateWithPackingPlan(
          repacked.withPacking(before.components(), before.packing()),
          HeronStateNodes.of(heronRoot(before), key.name()),
          HeronStateCodec.encodePackingPlan(repack.current()));
      if (!repack.resourcesChange() && from < to) {
        scheduler.scaleTo(key, from);
      }
      log.warn(
          "Update of {} failed after its packing plan was written; plan and Aurora were put back: {}",
          key,
          failure.getMessage());
      return failure;
    } catch (RuntimeException undoFailure) {
      failure.addSuppressed(undoFailure);
      log.error(
          "Update of {} failed and could not be undone; the reconciler will bring Aurora in line with the "
              + "packing plan in ZooKeeper",
          key,
          undoFailure);
      return new OperationRunner.Unfinished(failure);
    }
  }

  private static JobRequest jobRequest(TopologyRecord record, Repack repack, PackingPlan plan) {
    return new JobRequest(
        record.key(),
        record.submitter(),
        repack.definition(),
        plan,
        record.topologyPackage().uri(),
        record.topologyBinaryFile(),
        repack.config());
  }

  private static List<TopologyRecord.ComponentSummary> components(
      TopologyRecord record, PackingPlan plan) {
    Map<String, Integer> parallelism = plan.componentParallelism();
    List<TopologyRecord.ComponentSummary> components = new ArrayList<>();
    for (TopologyRecord.ComponentSummary c : record.components()) {
      components.add(
          new TopologyRecord.ComponentSummary(
              c.name(), c.kind(), parallelism.getOrDefault(c.name(), c.parallelism())));
    }
    return components;
  }

  private static void validate(UpdateRequest update) {
    if (!update.repacks() && update.runtimeConfig().isEmpty()) {
      throw new InvalidFieldException(
          "Give at least one of component_parallelism (component:N), container_number "
              + "or runtime_config ([component:]key:value)",
          "component_parallelism");
    }
    if (update.repacks() && !update.runtimeConfig().isEmpty()) {
      throw new InvalidFieldException(
          "runtime_config cannot be combined with component_parallelism or "
              + "container_number: runtime config changes the running topology through its topology manager, a repack "
              + "restarts containers; send them as two updates",
          "runtime_config");
    }
    if (update.containerNumber() != null && update.containerNumber() < 1) {
      throw new InvalidFieldException("container_number must be at least 1", "container_number");
    }
    update
        .parallelism()
        .forEach(
            (component, n) -> {
              if (n < 1) {
                throw new InvalidFieldException(
                    "component_parallelism of " + component + " must be at least 1",
                    "component_parallelism");
              }
            });
  }

  /**
   * The topology's record from the cache, else from ZooKeeper (a record another replica just
   * wrote); 404 without touching anything when there is none.
   */
  TopologyRecord existing(TopologyKey key) {
    return store
        .find(key)
        .or(() -> store.read(key))
        .orElseThrow(
            () -> new io.heroncp.problems.NotFoundException("Topology " + key + " does not exist"));
  }

  private String heronRoot(TopologyRecord record) {
    return clusters.heronCluster(record.key().cluster()).heronRoot();
  }

  /** Parses {@code component:N} entries with the default bounds; see {@link RequestBounds}. */
  public static Map<String, Integer> parseParallelism(List<String> values) {
    return new RequestBounds(LimitsProperties.defaults()).parallelism(values);
  }

  /** Checks {@code [component:]key:value} entries with the default bounds. */
  public static List<String> parseRuntimeConfig(List<String> values) {
    return new RequestBounds(LimitsProperties.defaults()).runtimeConfig(values);
  }
}
