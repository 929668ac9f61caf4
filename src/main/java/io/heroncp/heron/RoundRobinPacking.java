package io.heroncp.heron;

import io.heroncp.problems.InvalidFieldException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Heron's round-robin packing ({@code org.apache.heron.packing.roundrobin.RoundRobinPacking}, as
 * shipped in Heron 0.20.3+), reproduced number for number so that Heron's own processes agree with
 * the plan:
 *
 * <ul>
 *   <li>Instances are dealt over containers {@code 1..topology.stmgrs} in turn. Components are
 *       taken in the iteration order of Heron's {@code HashMap} of component parallelism, stably
 *       sorted by RAM-map value, largest first; task ids count from 1 across the topology,
 *       component indexes from 0.
 *   <li>Without {@code topology.container.ram}, a container's budget is {@code instance RAM x
 *       (instances in the largest container) + RAM padding}; instances named in {@code
 *       topology.component.rammap} get their value and the others split the rest of the budget
 *       (less padding) evenly. With it, the budget is the requested RAM. CPU works the same way
 *       with {@code topology.container.cpu}, the CPU map, a fixed padding of 1 core and a budget
 *       rounded to whole cores.
 *   <li>Container required RAM = its instances + padding (capped at the request); CPU = instances +
 *       1 (or exactly the request); disk = the request, else {@code instance disk x largest
 *       container + 12 GiB}. Every instance gets the default instance disk (the disk map is
 *       ignored, as in Heron).
 *   <li>RAM padding = {@code topology.container.ram.padding}, else {@code topology.stmgr.ram} (1
 *       GiB) + {@code topology.metricsmgr.ram} (1 GiB) + {@code
 *       topology.stateful.checkpointmanager.ram} (1 GiB for EFFECTIVELY_ONCE, else 0). {@code
 *       topology.container.padding.percentage} is not used by this packing.
 * </ul>
 *
 * <p>Config is looked up in the effective config first, then in the definition's own config.
 * Stateless and thread-safe.
 */
@Component
public class RoundRobinPacking {

  private static final Logger log = LoggerFactory.getLogger(RoundRobinPacking.class);

  static final long GIB = 1024L * 1024 * 1024;
  static final long MIB = 1024L * 1024;

  /** Heron's {@code Key.INSTANCE_RAM} / {@code INSTANCE_DISK} default: 1 GiB. */
  public static final long DEFAULT_INSTANCE_RAM = GIB;

  /** Heron's {@code Key.INSTANCE_CPU} default: 1 core. */
  public static final double DEFAULT_INSTANCE_CPU = 1.0;

  /** Heron's {@code Key.INSTANCE_DISK} default: 1 GiB. */
  public static final long DEFAULT_INSTANCE_DISK = GIB;

  /**
   * Heron's {@code DEFAULT_DAEMON_PROCESS_RAM_PADDING}: stmgr, metricsmgr and ckptmgr each 1 GiB.
   */
  public static final long DEFAULT_DAEMON_RAM = GIB;

  /**
   * Heron's {@code DEFAULT_CPU_PADDING_PER_CONTAINER} (not configurable in round-robin packing).
   */
  public static final double CPU_PADDING = 1.0;

  /** Heron's {@code DEFAULT_DISK_PADDING_PER_CONTAINER}. */
  public static final long DISK_PADDING = 12 * GIB;

  /** Heron's {@code MIN_RAM_PER_INSTANCE}. */
  public static final long MIN_INSTANCE_RAM = 16 * MIB;

  /**
   * The field named by repack errors about component parallelism (heron-cli {@code
   * --component-parallelism}).
   */
  public static final String COMPONENT_PARALLELISM_FIELD = "component_parallelism";

  /**
   * The field named by repack errors about the container count (heron-cli {@code
   * --container-number}).
   */
  public static final String CONTAINER_NUMBER_FIELD = "container_number";

  private static final long RAM_NOT_SPECIFIED = -1;
  private static final double CPU_NOT_SPECIFIED = -1.0;

  /**
   * Packs a topology.
   *
   * @param definition the parsed definition (components, parallelism, id, own config)
   * @param config effective config (cluster config, topology config and overrides merged); keys
   *     absent here are looked up in {@code definition.config()}
   * @return the plan, with id = the topology id, containers from 1, {@code scheduled == required}
   * @throws InvalidFieldException naming the config key when Heron would refuse to pack
   */
  public PackingPlan pack(TopologyDefinition definition, Map<String, String> config) {
    PackingSettings settings = new PackingSettings(definition, config);
    return packInto(
        definition,
        settings,
        settings.integer(HeronConfigKeys.STMGRS, 1),
        definitionParallelism(definition));
  }

  /**
   * Repacks a running topology for {@code heron update}, as Heron's {@code RuntimeManagerRunner}
   * with {@code RoundRobinPacking.repack} (0.20.x) does:
   *
   * <ul>
   *   <li>Parallelism only ({@code newContainerCount} null), or a container count equal to the
   *       current one: Heron keeps the topology's original instances-per-container ratio, {@code
   *       (sum of the definition's parallelism) / topology.stmgrs}, and packs into {@code ceil(new
   *       total instances / ratio)} containers. So naming the current container count does not pin
   *       it.
   *   <li>Another container count: packs the new parallelism into exactly that many containers.
   * </ul>
   *
   * <p>Packing itself is {@link #pack}'s (same component order, resources and checks); component
   * parallelism not named keeps its value in {@code current}. The plan id is the definition's id.
   * Stateless.
   *
   * @param definition the topology as stored now ({@code topologies/<name>}; Heron updates its
   *     component parallelism after each update but never {@code topology.stmgrs})
   * @param config effective config, looked up before {@code definition.config()}, as for {@link
   *     #pack}
   * @param current the packing plan running now ({@code packingplans/<name>})
   * @param newParallelism component name to its new parallelism; only the changed ones need be
   *     named
   * @param newContainerCount the new number of Heron containers, or null to keep Heron's ratio
   * @throws InvalidFieldException field {@code component_parallelism}: an unknown component, a
   *     parallelism below 1, nothing to change; field {@code container_number}: fewer than 1
   *     container, more containers than instances, or neither the container count nor any
   *     parallelism changes; or a config key, as {@link #pack} does, when the resources do not fit
   */
  public PackingPlan repack(
      TopologyDefinition definition,
      Map<String, String> config,
      PackingPlan current,
      Map<String, Integer> newParallelism,
      Integer newContainerCount) {
    Map<String, Integer> requested = newParallelism == null ? Map.of() : newParallelism;
    Map<String, Integer> counts = current.componentParallelism();
    for (Map.Entry<String, Integer> entry : requested.entrySet()) {
      if (!counts.containsKey(entry.getKey())) {
        throw new InvalidFieldException(
            String.format(
                "Invalid component name in update request: %s. Valid components include: %s",
                entry.getKey(), counts.keySet()),
            COMPONENT_PARALLELISM_FIELD);
      }
      if (entry.getValue() == null || entry.getValue() < 1) {
        throw new InvalidFieldException(
            String.format(
                "Invalid parallelism for component '%s': %s; set it to at least 1 (kill the topology to remove it)",
                entry.getKey(), entry.getValue()),
            COMPONENT_PARALLELISM_FIELD);
      }
    }
    boolean parallelismChanges =
        requested.entrySet().stream()
            .anyMatch(entry -> !entry.getValue().equals(counts.get(entry.getKey())));
    if (newContainerCount == null) {
      if (requested.isEmpty()) {
        throw new InvalidFieldException(
            "Missing arguments. Not taking action: give new component parallelism or a container number",
            COMPONENT_PARALLELISM_FIELD);
      }
      if (!parallelismChanges) {
        throw new InvalidFieldException(
            String.format(
                "The component parallelism request (%s) is the same as "
                    + "the current topology parallelism. Not taking action.",
                requested),
            COMPONENT_PARALLELISM_FIELD);
      }
    } else {
      if (newContainerCount < 1) {
        throw new InvalidFieldException(
            String.format(
                "Invalid number of containers: %d; set it to at least 1", newContainerCount),
            CONTAINER_NUMBER_FIELD);
      }
      if (!parallelismChanges && newContainerCount == current.containerCount()) {
        throw new InvalidFieldException(
            "Both component parallelism request and container number are the same "
                + "as in the running topology.",
            CONTAINER_NUMBER_FIELD);
      }
    }

    // Heron starts from the current plan's counts in a default-sized HashMap filled one put at a
    // time; doing
    // the same (copy constructors and putAll size the table differently) gives the same iteration
    // order.
    Map<String, Integer> parallelism = new HashMap<>();
    for (TopologyDefinition.Component component : definition.components()) {
      if (counts.containsKey(component.name())) {
        parallelism.put(
            component.name(),
            requested.getOrDefault(component.name(), counts.get(component.name())));
      }
    }
    for (Map.Entry<String, Integer> entry : counts.entrySet()) {
      if (!parallelism.containsKey(entry.getKey())) {
        parallelism.put(entry.getKey(), requested.getOrDefault(entry.getKey(), entry.getValue()));
      }
    }
    int instances = parallelism.values().stream().mapToInt(Integer::intValue).sum();

    PackingSettings settings = new PackingSettings(definition, config);
    int containers;
    if (newContainerCount == null || newContainerCount == current.containerCount()) {
      int initialContainers = settings.integer(HeronConfigKeys.STMGRS, 1);
      int initialInstances =
          definition.components().stream()
              .mapToInt(TopologyDefinition.Component::parallelism)
              .sum();
      double perContainer = (double) initialInstances / initialContainers;
      containers = (int) Math.ceil(instances / perContainer);
    } else {
      containers = newContainerCount;
    }
    if (containers > instances) {
      throw new InvalidFieldException(
          String.format(
              "More containers (%d) allocated than instances (%d); set the container number to at most %d",
              containers, instances, instances),
          CONTAINER_NUMBER_FIELD);
    }
    PackingPlan plan = packInto(definition, settings, containers, parallelism);
    log.info(
        "Repacked topology {}: parallelism {} in {} containers (was {} in {})",
        definition.name(),
        plan.componentParallelism(),
        plan.containerCount(),
        counts,
        current.containerCount());
    return plan;
  }

  /**
   * Heron's parallelism map: a {@code HashMap} filled with spouts then bolts, in definition order.
   */
  private static Map<String, Integer> definitionParallelism(TopologyDefinition definition) {
    Map<String, Integer> parallelism = new HashMap<>();
    for (TopologyDefinition.Component component : definition.components()) {
      parallelism.put(component.name(), component.parallelism());
    }
    return parallelism;
  }

  /** Heron's {@code packInternal}: shared by {@link #pack} and {@link #repack}. */
  private PackingPlan packInto(
      TopologyDefinition definition,
      PackingSettings settings,
      int containers,
      Map<String, Integer> parallelism) {
    Map<String, Long> ramMap = settings.bytesMap(HeronConfigKeys.COMPONENT_RAM_MAP, parallelism);
    Map<String, Double> cpuMap = settings.coresMap(HeronConfigKeys.COMPONENT_CPU_MAP, parallelism);

    Map<Integer, List<Slot>> allocation = allocate(containers, parallelism, ramMap);
    int largest = allocation.values().stream().mapToInt(List::size).max().orElse(0);

    long instanceRam = settings.bytes(HeronConfigKeys.INSTANCE_RAM, DEFAULT_INSTANCE_RAM);
    double instanceCpu = settings.cores(HeronConfigKeys.INSTANCE_CPU, DEFAULT_INSTANCE_CPU);
    long instanceDisk = settings.bytes(HeronConfigKeys.INSTANCE_DISK, DEFAULT_INSTANCE_DISK);
    long ramPadding = ramPadding(settings);
    long ramHint = settings.bytes(HeronConfigKeys.CONTAINER_RAM_REQUESTED, RAM_NOT_SPECIFIED);
    double cpuHint = settings.cores(HeronConfigKeys.CONTAINER_CPU_REQUESTED, CPU_NOT_SPECIFIED);
    long diskHint = settings.bytes(HeronConfigKeys.CONTAINER_DISK_REQUESTED, RAM_NOT_SPECIFIED);

    Map<Integer, Map<Slot, Long>> ram =
        instanceShares(
            allocation,
            ramMap,
            ramHint,
            instanceRam * largest + ramPadding,
            ramPadding,
            Arithmetic.BYTES,
            "RAM",
            HeronConfigKeys.CONTAINER_RAM_REQUESTED,
            HeronConfigKeys.COMPONENT_RAM_MAP);
    // Heron rounds the default container CPU to whole cores and keeps it as a float.
    double containerCpuDefault = (float) Math.round(instanceCpu * largest + CPU_PADDING);
    Map<Integer, Map<Slot, Double>> cpu =
        instanceShares(
            allocation,
            cpuMap,
            cpuHint,
            containerCpuDefault,
            CPU_PADDING,
            Arithmetic.CORES,
            "CPU",
            HeronConfigKeys.CONTAINER_CPU_REQUESTED,
            HeronConfigKeys.COMPONENT_CPU_MAP);

    List<ContainerPlan> plans = new ArrayList<>();
    for (Map.Entry<Integer, List<Slot>> entry : allocation.entrySet()) {
      int id = entry.getKey();
      List<InstancePlan> instances = new ArrayList<>();
      long containerRam = 0;
      double containerCpu = 0.0;
      for (Slot slot : entry.getValue()) {
        long slotRam = ram.get(id).get(slot);
        double slotCpu = cpu.get(id).get(slot);
        instances.add(
            new InstancePlan(
                slot.component(),
                slot.taskId(),
                slot.componentIndex(),
                new Resources(slotCpu, slotRam, instanceDisk)));
        containerRam += slotRam;
        containerCpu += slotCpu;
      }
      containerCpu += CPU_PADDING;
      if (cpuHint != CPU_NOT_SPECIFIED) {
        containerCpu = Math.min(containerCpu, cpuHint);
      }
      containerRam += ramPadding;
      if (ramHint != RAM_NOT_SPECIFIED) {
        containerRam = Math.min(containerRam, ramHint);
      }
      long containerDisk =
          diskHint != RAM_NOT_SPECIFIED ? diskHint : instanceDisk * largest + DISK_PADDING;
      Resources required =
          new Resources(Math.max(containerCpu, cpuHint), containerRam, containerDisk);
      instances.sort(Comparator.comparingInt(InstancePlan::taskId));
      plans.add(new ContainerPlan(id, instances, required, required));
    }
    PackingPlan plan = new PackingPlan(definition.id(), plans);
    validate(plan, ramMap, ramHint);
    log.debug(
        "Packed topology {} into {} containers, max container {}",
        definition.name(),
        plan.containerCount(),
        plan.maxContainerResources());
    return plan;
  }

  /** One instance placed in a container. */
  private record Slot(String component, int taskId, int componentIndex) {}

  private static Map<Integer, List<Slot>> allocate(
      int containers, Map<String, Integer> parallelism, Map<String, Long> ramMap) {
    int total = parallelism.values().stream().mapToInt(Integer::intValue).sum();
    if (containers < 1) {
      throw new InvalidFieldException(
          "Invalid number of containers: "
              + HeronConfigKeys.STMGRS
              + "="
              + containers
              + "; set it to at least 1",
          HeronConfigKeys.STMGRS);
    }
    if (containers > total) {
      throw new InvalidFieldException(
          String.format(
              "More containers (%d) allocated than instances (%d); set %s to at most %d",
              containers, total, HeronConfigKeys.STMGRS, total),
          HeronConfigKeys.STMGRS);
    }
    Map<Integer, List<Slot>> allocation = new LinkedHashMap<>();
    for (int i = 1; i <= containers; i++) {
      allocation.put(i, new ArrayList<>());
    }
    // Spread the big instances first: a stable sort, largest RAM-map value first (absent = 0).
    List<String> order = new ArrayList<>(parallelism.keySet());
    order.sort(Comparator.comparingLong((String name) -> ramMap.getOrDefault(name, 0L)).reversed());
    int container = 1;
    int taskId = 1;
    for (String component : order) {
      for (int index = 0; index < parallelism.get(component); index++) {
        allocation.get(container).add(new Slot(component, taskId, index));
        container = container == containers ? 1 : container + 1;
        taskId++;
      }
    }
    return allocation;
  }

  /**
   * Each instance's share of one resource, per container, following Heron's {@code
   * calculateInstancesResourceMapInContainer}.
   */
  private static <T extends Comparable<T>> Map<Integer, Map<Slot, T>> instanceShares(
      Map<Integer, List<Slot>> allocation,
      Map<String, T> explicit,
      T hint,
      T defaultContainer,
      T padding,
      Arithmetic<T> math,
      String resource,
      String hintKey,
      String mapKey) {
    boolean hinted = !hint.equals(math.notSpecified());
    Map<Integer, Map<Slot, T>> shares = new LinkedHashMap<>();
    for (Map.Entry<Integer, List<Slot>> entry : allocation.entrySet()) {
      int id = entry.getKey();
      Map<Slot, T> inContainer = new LinkedHashMap<>();
      shares.put(id, inContainer);
      List<Slot> unspecified = new ArrayList<>();
      T used = math.zero();
      for (Slot slot : entry.getValue()) {
        T value = explicit.get(slot.component());
        if (value != null) {
          inContainer.put(slot, value);
          used = math.plus(used, value);
        } else {
          unspecified.add(slot);
        }
      }
      // Heron only warns when the padding no longer fits, but fails when the instances alone do
      // not.
      boolean paddingSqueezed = false;
      if (hinted && used.compareTo(math.minus(hint, padding)) > 0) {
        if (used.compareTo(hint) > 0) {
          throw new InvalidFieldException(
              String.format(
                  "Invalid packing plan generated. Total instance %s (%s) in container#%d have "
                      + "exceeded the container-level constraint of %s; raise %s or lower %s",
                  resource, used, id, hint, hintKey, mapKey),
              hintKey);
        }
        paddingSqueezed = true;
        log.warn(
            "Container#{} (max {} {}) hosts instances taking {}; Heron's internal processes need {}",
            id,
            resource,
            hint,
            used,
            padding);
      }
      if (!unspecified.isEmpty()) {
        T budget = hinted ? hint : defaultContainer;
        T remaining =
            paddingSqueezed
                ? math.minus(budget, used)
                : math.minus(math.minus(budget, padding), used);
        if (remaining.compareTo(math.zero()) <= 0) {
          throw new InvalidFieldException(
              String.format(
                  "Invalid packing plan generated. No enough %s to allocate for unspecified "
                      + "instances in container#%d; raise %s or lower %s",
                  resource, id, hinted ? hintKey : "the instance default", mapKey),
              hinted ? hintKey : mapKey);
        }
        T each = math.divide(remaining, unspecified.size());
        unspecified.forEach(slot -> inContainer.put(slot, each));
      }
    }
    return shares;
  }

  private static void validate(PackingPlan plan, Map<String, Long> ramMap, long ramHint) {
    for (ContainerPlan container : plan.containers()) {
      for (InstancePlan instance : container.instances()) {
        if (instance.resources().ramBytes() < MIN_INSTANCE_RAM) {
          String key =
              ramMap.containsKey(instance.component())
                  ? HeronConfigKeys.COMPONENT_RAM_MAP
                  : ramHint != RAM_NOT_SPECIFIED
                      ? HeronConfigKeys.CONTAINER_RAM_REQUESTED
                      : HeronConfigKeys.INSTANCE_RAM;
          throw new InvalidFieldException(
              String.format(
                  "Invalid packing plan generated. A minimum of %d bytes RAM is required, but "
                      + "instance of component '%s' has %d bytes; raise %s",
                  MIN_INSTANCE_RAM, instance.component(), instance.resources().ramBytes(), key),
              key);
        }
      }
    }
  }

  private static long ramPadding(PackingSettings settings) {
    long stmgr = settings.bytes(HeronConfigKeys.STMGR_RAM, DEFAULT_DAEMON_RAM);
    long metricsmgr = settings.bytes(HeronConfigKeys.METRICSMGR_RAM, DEFAULT_DAEMON_RAM);
    boolean stateful = "EFFECTIVELY_ONCE".equals(settings.get(HeronConfigKeys.RELIABILITY_MODE));
    long ckptmgr = settings.bytes(HeronConfigKeys.CKPTMGR_RAM, stateful ? DEFAULT_DAEMON_RAM : 0);
    return settings.bytes(HeronConfigKeys.CONTAINER_RAM_PADDING, stmgr + metricsmgr + ckptmgr);
  }

  /** The arithmetic Heron's {@code ByteAmount} and {@code CPUShare} do. */
  private interface Arithmetic<T> {
    T zero();

    T notSpecified();

    T plus(T a, T b);

    T minus(T a, T b);

    T divide(T a, int parts);

    Arithmetic<Long> BYTES =
        new Arithmetic<>() {
          public Long zero() {
            return 0L;
          }

          public Long notSpecified() {
            return RAM_NOT_SPECIFIED;
          }

          public Long plus(Long a, Long b) {
            return a + b;
          }

          public Long minus(Long a, Long b) {
            return a - b;
          }

          public Long divide(Long a, int parts) {
            // ByteAmount.divide rounds to the nearest byte.
            return Math.round((double) a / (double) parts);
          }
        };

    Arithmetic<Double> CORES =
        new Arithmetic<>() {
          public Double zero() {
            return 0.0;
          }

          public Double notSpecified() {
            return CPU_NOT_SPECIFIED;
          }

          public Double plus(Double a, Double b) {
            return a + b;
          }

          public Double minus(Double a, Double b) {
            return a - b;
          }

          public Double divide(Double a, int parts) {
            return a / parts;
          }
        };
  }
}
