package io.heroncp.topology;

/** Port: the configured clusters. */
@FunctionalInterface
public interface TopologyClusters {

  /**
   * The cluster, or {@link io.heroncp.problems.InvalidFieldException} (field {@code cluster})
   * naming the known ones.
   */
  HeronCluster heronCluster(String name);

  /** The names of the configured clusters (none unless the implementation lists them). */
  default java.util.Set<String> names() {
    return java.util.Set.of();
  }
}
