package io.heroncp.zookeeper;

import io.heroncp.heron.HeronPaths;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;

/**
 * Heron's state nodes of one topology under a cluster's Heron root ({@link HeronPaths}), with the payloads
 * the service writes at submit (Heron's protobuf encoding).
 *
 * @param paths the cluster's Heron root
 * @param name the topology name
 * @param topology trimmed {@code heron.proto.api.Topology}
 * @param packingPlan {@code heron.proto.system.PackingPlan}
 * @param executionState {@code heron.proto.system.ExecutionState}
 */
public record HeronStateNodes(HeronPaths paths, String name, byte[] topology, byte[] packingPlan, byte[] executionState) {

  /** Nodes addressed for reading or removal only. */
  public static HeronStateNodes of(String root, String name) {
    return new HeronStateNodes(new HeronPaths(root), name, null, null, null);
  }

  /** The directories a submit writes into; created (as Heron's initTree does) when missing. */
  List<String> submitDirectories() {
    return List.of(parent(paths.topology(name)), parent(paths.packingPlan(name)), parent(paths.executionState(name)),
        parent(paths.schedulerLocation(name)));
  }

  /** The three creates of a submit, in Heron's order: topology, packing plan, execution state. */
  List<CuratorOp> createSubmitNodes(CuratorFramework client) throws Exception {
    return List.of(
        create(client, paths.topology(name), topology),
        create(client, paths.packingPlan(name), packingPlan),
        create(client, paths.executionState(name), executionState));
  }

  CuratorOp createSchedulerLocation(CuratorFramework client, byte[] location) throws Exception {
    return create(client, paths.schedulerLocation(name), location);
  }

  /** Existing nodes to delete for a kill, in Heron's order, a node's children before the node. */
  List<String> existingForRemoval(CuratorFramework client) throws Exception {
    List<String> nodes = new ArrayList<>();
    for (String path : paths.killCleanupOrder(name)) {
      if (client.checkExists().forPath(path) != null) {
        for (String child : client.getChildren().forPath(path)) {
          nodes.add(path + "/" + child);
        }
        nodes.add(path);
      }
    }
    return nodes;
  }

  private static CuratorOp create(CuratorFramework client, String path, byte[] data) throws Exception {
    return client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data);
  }

  private static String parent(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }
}
