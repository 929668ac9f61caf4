package io.heroncp.topology;

/** Finds the scheduler of a configured cluster. */
@FunctionalInterface
public interface SchedulerDirectory {

  /** The scheduler of this cluster; the cluster must be one the {@code ClusterRegistry} knows. */
  TopologyScheduler forCluster(String cluster);
}
