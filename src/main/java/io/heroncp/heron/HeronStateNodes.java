package io.heroncp.heron;

import java.util.List;

/**
 * Heron's state nodes of one topology under a cluster's Heron root ({@link HeronPaths}), with the
 * payloads the service writes at submit (Heron's protobuf encoding).
 *
 * @param paths the cluster's Heron root
 * @param name the topology name
 * @param topology trimmed {@code heron.proto.api.Topology}
 * @param packingPlan {@code heron.proto.system.PackingPlan}
 * @param executionState {@code heron.proto.system.ExecutionState}
 */
public record HeronStateNodes(
    HeronPaths paths, String name, byte[] topology, byte[] packingPlan, byte[] executionState) {

  /** Nodes addressed for reading or removal only. */
  public static HeronStateNodes of(String root, String name) {
    return new HeronStateNodes(new HeronPaths(root), name, null, null, null);
  }

  /** The directories a submit writes into; created (as Heron's initTree does) when missing. */
  public List<String> submitDirectories() {
    return List.of(
        parent(paths.topology(name)),
        parent(paths.packingPlan(name)),
        parent(paths.executionState(name)),
        parent(paths.schedulerLocation(name)));
  }

  private static String parent(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }
}
