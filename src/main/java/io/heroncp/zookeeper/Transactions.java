package io.heroncp.zookeeper;

import java.util.List;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

/** Reading a failed ZooKeeper transaction (multi). */
final class Transactions {

  private Transactions() {}

  /**
   * The path of the operation that made the transaction fail, from the per-operation results
   * ZooKeeper sends with a failed multi (the failing one carries the error; those before it OK,
   * those after it a runtime inconsistency); null when the results do not tell.
   */
  static String failedPath(KeeperException failure, List<CuratorOp> ops) {
    List<OpResult> results = failure.getResults();
    if (results == null || results.size() != ops.size()) {
      return null;
    }
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i) instanceof OpResult.ErrorResult error
          && error.getErr() != KeeperException.Code.OK.intValue()
          && error.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
        return ops.get(i).getTypeAndPath().getForPath();
      }
    }
    return null;
  }
}
