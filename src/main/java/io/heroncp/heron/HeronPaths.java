package io.heroncp.heron;

import java.util.List;

/**
 * The ZooKeeper node paths Heron (0.20.3 and later) uses under its state root ({@code
 * heron.statemgr.root.path}). Each node is named after the topology.
 *
 * @param root absolute root path without a trailing slash, e.g. {@code /heron}
 */
public record HeronPaths(String root) {

  /** Heron's lock name for updates: the lock node is {@code locks/<name>__updateTopology}. */
  public static final String UPDATE_TOPOLOGY_LOCK = "updateTopology";

  /** The directories Heron's {@code initTree} creates under the root. */
  public static final List<String> DIRECTORIES =
      List.of(
          "topologies",
          "packingplans",
          "pplans",
          "executionstate",
          "tmanagers",
          "schedulers",
          "metricscaches",
          "statefulcheckpoints",
          "locks");

  public HeronPaths {
    if (root == null || !root.startsWith("/")) {
      throw new IllegalArgumentException(
          "Heron's state root must be an absolute path, got: " + root);
    }
    root = root.length() > 1 && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** Trimmed {@code Topology}; its existence means "the topology exists". */
  public String topology(String name) {
    return node("topologies", name);
  }

  public String packingPlan(String name) {
    return node("packingplans", name);
  }

  public String executionState(String name) {
    return node("executionstate", name);
  }

  public String schedulerLocation(String name) {
    return node("schedulers", name);
  }

  /** Ephemeral, written by the TManager ({@code tmasters} before 0.20.3). */
  public String tmanagerLocation(String name) {
    return node("tmanagers", name);
  }

  /** Ephemeral, written by the metrics cache manager. */
  public String metricsCacheLocation(String name) {
    return node("metricscaches", name);
  }

  /** The physical plan, holding the runtime state; written by the TManager. */
  public String physicalPlan(String name) {
    return node("pplans", name);
  }

  public String statefulCheckpoints(String name) {
    return node("statefulcheckpoints", name);
  }

  /** The update lock (a Curator {@code InterProcessSemaphoreMutex} path). */
  public String updateLock(String name) {
    return node("locks", name + "__" + UPDATE_TOPOLOGY_LOCK);
  }

  /** Absolute paths of {@link #DIRECTORIES}. */
  public List<String> directories() {
    return DIRECTORIES.stream().map(this::directory).toList();
  }

  public String directory(String directory) {
    return ("/".equals(root) ? "" : root) + "/" + directory;
  }

  /**
   * The nodes a kill removes, in Heron's order ({@code RuntimeManagerRunner.cleanState}): TManager
   * location, metrics cache location, packing plan, physical plan, scheduler location, update lock
   * (with its children), execution state, and the topology last because it marks existence. A
   * missing node counts as removed; {@code statefulcheckpoints} is left alone, as in Heron.
   */
  public List<String> killCleanupOrder(String name) {
    return List.of(
        tmanagerLocation(name),
        metricsCacheLocation(name),
        packingPlan(name),
        physicalPlan(name),
        schedulerLocation(name),
        updateLock(name),
        executionState(name),
        topology(name));
  }

  private String node(String directory, String name) {
    return directory(directory) + "/" + name;
  }
}
