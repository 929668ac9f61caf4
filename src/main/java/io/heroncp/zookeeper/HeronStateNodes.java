package io.heroncp.zookeeper;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;

/**
 * Heron's state nodes of one topology under a cluster's Heron root, in the Heron &ge; 0.20.3 layout
 * ({@code tmanagers}, not {@code tmasters}), with the payloads the service writes at submit.
 *
 * @param root the cluster's Heron root, e.g. {@code /heron}
 * @param name the topology name (the node name in every directory)
 * @param topology trimmed {@code heron.proto.api.Topology}
 * @param packingPlan {@code heron.proto.system.PackingPlan}
 * @param executionState {@code heron.proto.system.ExecutionState}
 */
public record HeronStateNodes(String root, String name, byte[] topology, byte[] packingPlan, byte[] executionState) {

  public static final String TOPOLOGIES = "topologies";
  public static final String PACKING_PLANS = "packingplans";
  public static final String EXECUTION_STATE = "executionstate";
  public static final String SCHEDULERS = "schedulers";
  public static final String TMANAGERS = "tmanagers";
  public static final String METRICS_CACHES = "metricscaches";
  public static final String PHYSICAL_PLANS = "pplans";
  public static final String LOCKS = "locks";

  /** The directories Heron's kill clears, in its order: the {@code topologies} node (the "exists" marker) last. */
  static final List<String> KILL_ORDER =
      List.of(TMANAGERS, METRICS_CACHES, PACKING_PLANS, PHYSICAL_PLANS, SCHEDULERS, LOCKS, EXECUTION_STATE, TOPOLOGIES);

  /** Nodes addressed for reading or removal only. */
  public static HeronStateNodes of(String root, String name) {
    return new HeronStateNodes(root, name, null, null, null);
  }

  public String directory(String kind) {
    return root + "/" + kind;
  }

  /** The node of this topology in a directory; for locks, Heron's update lock node. */
  public String path(String kind) {
    return LOCKS.equals(kind) ? directory(kind) + "/" + name + "__updateTopology" : directory(kind) + "/" + name;
  }

  CuratorOp create(CuratorFramework client, String kind, byte[] data) throws Exception {
    return client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path(kind), data);
  }

  /** Existing nodes to delete for a kill, children before parents, in Heron's order. */
  List<String> existingForRemoval(CuratorFramework client) throws Exception {
    List<String> nodes = new ArrayList<>();
    for (String kind : KILL_ORDER) {
      String path = path(kind);
      if (client.checkExists().forPath(path) != null) {
        if (LOCKS.equals(kind)) {
          for (String child : client.getChildren().forPath(path)) {
            nodes.add(path + "/" + child);
          }
        }
        nodes.add(path);
      }
    }
    return nodes;
  }
}
