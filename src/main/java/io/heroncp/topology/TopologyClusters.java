package io.heroncp.topology;

/** Port: the configured clusters. */
@FunctionalInterface
public interface TopologyClusters {

  /**
   * The cluster, or {@link io.heroncp.problems.InvalidFieldException} (field {@code cluster})
   * naming the known ones.
   */
  HeronCluster heronCluster(String name);
}
