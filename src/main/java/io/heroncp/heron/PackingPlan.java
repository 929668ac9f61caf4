package io.heroncp.heron;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heron's packing plan: which instance runs in which container, with resources. Container ids start
 * at 1; container 0 (the topology manager) is not part of the plan, as in Heron.
 */
public record PackingPlan(String id, List<ContainerPlan> containers) {

  public PackingPlan {
    containers = containers.stream().sorted(Comparator.comparingInt(ContainerPlan::id)).toList();
  }

  /** The component-wise maximum of every container's required resources. */
  public Resources maxContainerResources() {
    return containers.stream().map(ContainerPlan::required).reduce(Resources.ZERO, Resources::max);
  }

  /**
   * Number of Heron containers (topology.stmgrs); the Aurora job has one more instance for
   * container 0.
   */
  public int containerCount() {
    return containers.size();
  }

  /**
   * The component-wise maximum of every container's scheduled resources (Heron's {@code
   * getMaxContainerResources}, which prefers scheduled over required).
   */
  public Resources maxScheduledResources() {
    return containers.stream().map(ContainerPlan::scheduled).reduce(Resources.ZERO, Resources::max);
  }

  /**
   * A copy in which every container's {@code scheduled} is the component-wise maximum over all
   * containers, as Heron's {@code cloneWithHomogeneousScheduledResource} does before an Aurora job
   * is created (every Aurora instance of a job gets the same size). Idempotent.
   */
  public PackingPlan withHomogeneousScheduledResources() {
    Resources max = maxScheduledResources();
    return new PackingPlan(
        id,
        containers.stream()
            .map(c -> new ContainerPlan(c.id(), c.instances(), c.required(), max))
            .toList());
  }

  /**
   * Component name to RAM bytes per instance, in first-seen order (Heron's {@code
   * --component-ram-map}). When instances of one component differ (round-robin packing can give
   * them different shares), the smallest wins, as in Heron's {@code getComponentRamDistribution},
   * so no container is overcommitted.
   */
  public Map<String, Long> componentRamMap() {
    Map<String, Long> ram = new LinkedHashMap<>();
    for (ContainerPlan container : containers) {
      for (InstancePlan instance : container.instances()) {
        ram.merge(instance.component(), instance.resources().ramBytes(), Math::min);
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
