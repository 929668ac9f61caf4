package io.heroncp.zookeeper;

import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import org.apache.curator.CuratorConnectionLossException;
import org.apache.zookeeper.KeeperException;
import org.slf4j.LoggerFactory;

/** Maps ZooKeeper and Curator failures to the service's dependency problems (503, 504, 502). */
final class ZooKeeperFailures {

  private ZooKeeperFailures() {}

  static ControlPlaneException translate(String action, Exception e) {
    if (e instanceof ControlPlaneException problem) {
      return problem;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new DependencyUnavailableException(
          "Interrupted while " + action + "; retry the request", null, e);
    }
    if (e instanceof CuratorConnectionLossException
        || e instanceof KeeperException.ConnectionLossException
        || e instanceof KeeperException.SessionExpiredException
        || e instanceof KeeperException.SessionMovedException) {
      return new DependencyUnavailableException(
          "ZooKeeper is unavailable while " + action + "; nothing was changed, retry later",
          null,
          e);
    }
    if (e instanceof KeeperException.OperationTimeoutException) {
      return new DependencyTimeoutException(
          "ZooKeeper timed out while " + action + "; retry later", null, e);
    }
    // ZooKeeper's own words stay in the log: they name internals, not what the client can do.
    LoggerFactory.getLogger(ZooKeeperFailures.class)
        .warn("ZooKeeper failed while {}: {}", action, e.toString());
    return new DependencyFailedException(
        "ZooKeeper failed while " + action + "; the error is logged, retry later", null, e);
  }
}
