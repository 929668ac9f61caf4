package io.heroncp.zookeeper;

import io.heroncp.heron.HeronStateNodes;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;

/** The Curator operations that write and remove Heron's state nodes. */
final class HeronStateOps {

  private HeronStateOps() {}

  /** The three creates of a submit, in Heron's order: topology, packing plan, execution state. */
  static List<CuratorOp> createSubmitNodes(CuratorFramework client, HeronStateNodes heron)
      throws Exception {
    String name = heron.name();
    return List.of(
        create(client, heron.paths().topology(name), heron.topology()),
        create(client, heron.paths().packingPlan(name), heron.packingPlan()),
        create(client, heron.paths().executionState(name), heron.executionState()));
  }

  static CuratorOp createSchedulerLocation(
      CuratorFramework client, HeronStateNodes heron, byte[] location) throws Exception {
    return create(client, heron.paths().schedulerLocation(heron.name()), location);
  }

  /** Existing nodes to delete for a kill, in Heron's order, a node's children before the node. */
  static List<String> existingForRemoval(CuratorFramework client, HeronStateNodes heron)
      throws Exception {
    List<String> nodes = new ArrayList<>();
    for (String path : heron.paths().killCleanupOrder(heron.name())) {
      if (client.checkExists().forPath(path) != null) {
        for (String child : client.getChildren().forPath(path)) {
          nodes.add(path + "/" + child);
        }
        nodes.add(path);
      }
    }
    return nodes;
  }

  private static CuratorOp create(CuratorFramework client, String path, byte[] data)
      throws Exception {
    NodeSizes.check(data, "Heron's node " + path, "definition");
    return client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data);
  }
}
