package io.heroncp.topology;

import java.util.Objects;

/**
 * Identifies a topology: the Heron cluster (= Aurora cluster), the role, the environment and the
 * topology name. The Aurora job key is {@code role/environment/name} in that cluster; a name is
 * unique per cluster.
 */
public record TopologyKey(String cluster, String role, String environment, String name) {

  public TopologyKey {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(name, "name");
  }

  /** The REST path of this topology below {@code /api/v1/topologies}. */
  public String path() {
    return cluster + "/" + role + "/" + environment + "/" + name;
  }

  @Override
  public String toString() {
    return path();
  }
}
