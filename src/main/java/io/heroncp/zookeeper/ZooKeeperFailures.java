package io.heroncp.zookeeper;

import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import org.apache.curator.CuratorConnectionLossException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/** Maps ZooKeeper and Curator failures to the service's dependency problems (503, 504, 502). */
final class ZooKeeperFailures {

  private ZooKeeperFailures() {}

  /**
   * Fails fast (503, nothing sent) while the client has no connected session, instead of letting
   * Curator wait for one: a request never waits for ZooKeeper to come back.
   */
  static void requireConnected(CuratorFramework client, String action) {
    if (!client.getZookeeperClient().isConnected()) {
      throw new DependencyUnavailableException(
          "ZooKeeper is not connected; nothing was changed while " + action + ". Retry later");
    }
  }

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
    if (e instanceof KeeperException.RequestTimeoutException) {
      // The ensemble took the request and did not answer within heroncp.zookeeper.operation-timeout.
      return new DependencyTimeoutException(
          "ZooKeeper did not answer in time while "
              + action
              + "; a change may still take effect: read the topology or retry with the same"
              + " Idempotency-Key",
          null,
          e);
    }
    return new DependencyFailedException(
        "ZooKeeper failed while " + action + ": " + e.getMessage(), null, e);
  }
}
