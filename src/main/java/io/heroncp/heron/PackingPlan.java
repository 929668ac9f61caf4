package io.heroncp.heron;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heron's packing plan: which instance runs in which container, with resources. Container ids start at 1;
 * container 0 (the topology manager) is not part of the plan, as in Heron.
 */
public record PackingPlan(String id, List<ContainerPlan> containers) {

  public PackingPlan {
    containers = containers.stream().sorted(Comparator.comparingInt(ContainerPlan::id)).toList();
  }

  /** The component-wise maximum of every container's required resources. */
  public Resources maxContainerResources() {
    return containers.stream().map(ContainerPlan::required).reduce(Resources.ZERO, Resources::max);
  }

  /** Number of Heron containers (topology.stmgrs); the Aurora job has one more instance for container 0. */
  public int containerCount() {
    return containers.size();
  }

  /** Component name to RAM bytes per instance, in first-seen order (Heron's {@code --component-ram-map}). */
  public Map<String, Long> componentRamMap() {
    Map<String, Long> ram = new LinkedHashMap<>();
    for (ContainerPlan container : containers) {
      for (InstancePlan instance : container.instances()) {
        ram.putIfAbsent(instance.component(), instance.resources().ramBytes());
      }
    }
    return ram;
  }

  /** Component name to its parallelism as placed in this plan. */
  public Map<String, Integer> componentParallelism() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ContainerPlan container : containers) {
      for (InstancePlan instance : container.instances()) {
        counts.merge(instance.component(), 1, Integer::sum);
      }
    }
    return counts;
  }
}
