package io.heroncp.bench;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;

/**
 * The raw ZooKeeper floor of a write: a Curator {@code multi} of three operations (two creates and
 * a setData, the shape of the service's intent transaction) against the service's own ZooKeeper,
 * under a path of its own that is removed afterwards.
 */
final class ZooKeeperFloor {

  private static final String ROOT = "/heroncp-bench-floor";

  private ZooKeeperFloor() {}

  /** Latencies in nanoseconds of {@code samples} multis, after {@code warmup} untimed ones. */
  static long[] multiLatencies(String connectString, int warmup, int samples) throws Exception {
    try (CuratorFramework curator =
        CuratorFrameworkFactory.newClient(connectString, new RetryOneTime(100))) {
      curator.start();
      curator.blockUntilConnected();
      curator.create().orSetData().forPath(ROOT);
      byte[] data = "x".repeat(512).getBytes(StandardCharsets.UTF_8);
      long[] latencies = new long[samples];
      for (int i = 0; i < warmup + samples; i++) {
        String node = ROOT + "/n-" + i;
        long start = System.nanoTime();
        curator
            .transaction()
            .forOperations(
                curator.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(node),
                curator.transactionOp().create().forPath(node + "/child", data),
                curator.transactionOp().setData().forPath(node, data));
        if (i >= warmup) {
          latencies[i - warmup] = System.nanoTime() - start;
        }
      }
      curator.delete().deletingChildrenIfNeeded().forPath(ROOT);
      return latencies;
    }
  }
}
