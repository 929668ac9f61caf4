package io.heroncp.zookeeper;

import io.heroncp.topology.Operation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds each topology name's history, removing old entries together with their operations, oldest
 * first, but never one that is RUNNING or that a retry with its {@code Idempotency-Key} may still
 * ask for.
 */
final class OperationHistoryPruner {

  private static final Logger log = LoggerFactory.getLogger(OperationHistoryPruner.class);

  private final CuratorFramework client;
  private final OperationPaths paths;
  private final IdempotencyIndex idempotency;
  private final Function<String, Optional<Operation>> operations;

  OperationHistoryPruner(
      CuratorFramework client,
      OperationPaths paths,
      IdempotencyIndex idempotency,
      Function<String, Optional<Operation>> operations) {
    this.client = client;
    this.paths = paths;
    this.idempotency = idempotency;
    this.operations = operations;
  }

  int prune(int keep) throws Exception {
    int removed = 0;
    for (String cluster : OperationPaths.children(client, paths.history)) {
      for (String name : OperationPaths.children(client, paths.history + "/" + cluster)) {
        removed += prune(paths.historyDir(cluster, name), keep);
      }
    }
    if (removed > 0) {
      log.info(
          "Removed {} operations beyond the newest {} of each topology's history", removed, keep);
    }
    return removed;
  }

  private int prune(String dir, int keep) throws Exception {
    List<String> entries = OperationPaths.historyEntries(client, dir);
    int removed = 0;
    for (String child : entries.subList(0, Math.max(0, entries.size() - keep))) {
      String entry = dir + "/" + child;
      Stat entryStat = new Stat();
      String id;
      try {
        id =
            new String(
                client.getData().storingStatIn(entryStat).forPath(entry), StandardCharsets.UTF_8);
      } catch (KeeperException.NoNodeException raced) {
        continue;
      }
      Optional<Operation> operation = operations.apply(id);
      if (operation.isPresent()
          && (!operation.get().ended()
              || idempotency.retryMayStillAsk(operation.get().endedAt()))) {
        break; // still needed; newer entries are kept with it, so the history stays contiguous
      }
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(client.transactionOp().delete().withVersion(entryStat.getVersion()).forPath(entry));
      if (operation.isPresent()) {
        // The operation's version is the node's, so a change since the read makes the whole
        // transaction fail.
        ops.add(
            client
                .transactionOp()
                .delete()
                .withVersion(operation.get().version())
                .forPath(paths.operation(id)));
      }
      try {
        client.transaction().forOperations(ops);
        removed++;
      } catch (KeeperException.NoNodeException | KeeperException.BadVersionException raced) {
        // another replica pruned it, or the operation changed meanwhile: leave it to the next run
      }
    }
    return removed;
  }
}
