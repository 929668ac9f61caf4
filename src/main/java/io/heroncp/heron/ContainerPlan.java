package io.heroncp.heron;

import java.util.List;

/**
 * One Heron container (= one Aurora instance, same index). {@code required} is the sum of its
 * instances plus Heron's per-container padding; {@code scheduled} is what the scheduler actually
 * gives it (Aurora: the largest container's size, as every instance of an Aurora job is sized
 * alike).
 */
public record ContainerPlan(
    int id, List<InstancePlan> instances, Resources required, Resources scheduled) {

  public ContainerPlan {
    instances = List.copyOf(instances);
  }
}
