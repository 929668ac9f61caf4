package io.heroncp.zookeeper;

import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.curator.CuratorConnectionLossException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.LoggerFactory;

/** Maps ZooKeeper and Curator failures to the service's dependency problems (503, 504, 502). */
final class ZooKeeperFailures {

  /** How long a client counts as unreachable after a call found it so (see {@link #translate}). */
  static final Duration SUSPECT_FOR = Duration.ofSeconds(1);

  private static final Map<CuratorFramework, Long> UNREACHABLE_UNTIL =
      Collections.synchronizedMap(new WeakHashMap<>());

  private ZooKeeperFailures() {}

  /**
   * Fails fast (503, nothing sent) while the client has no connected session, instead of letting
   * Curator wait for one: a request never waits for ZooKeeper to come back.
   */
  static void requireConnected(CuratorFramework client, String action) {
    Long until = UNREACHABLE_UNTIL.get(client);
    if (!client.getZookeeperClient().isConnected()
        || (until != null && System.nanoTime() - until < 0)) {
      throw new DependencyUnavailableException(
          "ZooKeeper is not connected; nothing was changed while " + action + ". Retry later");
    }
  }

  /**
   * As {@link #translate(String, Exception)}; a connection loss or timeout also makes {@link
   * #requireConnected} fail for {@link #SUSPECT_FOR}: the client drops the connection on such a
   * failure, but Curator learns of it on another thread, and the caller's next call (a release, a
   * rollback) must not wait a request timeout for it meanwhile.
   */
  static ControlPlaneException translate(CuratorFramework client, String action, Exception e) {
    ControlPlaneException problem = translate(action, e);
    if (!(e instanceof ControlPlaneException)
        && !(e instanceof InterruptedException)
        && (problem instanceof DependencyUnavailableException
            || problem instanceof DependencyTimeoutException)) {
      UNREACHABLE_UNTIL.put(client, System.nanoTime() + SUSPECT_FOR.toNanos());
    }
    return problem;
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
    if (e instanceof CuratorConnectionLossException) {
      // Curator's own: no connection, so the request was never sent.
      return new DependencyUnavailableException(
          "ZooKeeper is unavailable while " + action + "; nothing was changed, retry later",
          null,
          e);
    }
    if (e instanceof KeeperException.ConnectionLossException
        || e instanceof KeeperException.SessionExpiredException
        || e instanceof KeeperException.SessionMovedException) {
      // The connection broke with the request sent: ZooKeeper may have applied it.
      return DependencyUnavailableException.afterSending(
          "The connection to ZooKeeper broke while "
              + action
              + "; the change may have been made: read the topology or retry with the same"
              + " Idempotency-Key",
          e);
    }
    if (e instanceof KeeperException.OperationTimeoutException) {
      return new DependencyTimeoutException(
          "ZooKeeper timed out while " + action + "; retry later", null, e);
    }
    // ZooKeeper's own words stay in the log: they name internals, not what the client can do.
    LoggerFactory.getLogger(ZooKeeperFailures.class)
        .warn("ZooKeeper failed while {}: {}", action, e.toString());
    if (e instanceof KeeperException.RequestTimeoutException) {
      // The ensemble took the request and did not answer within
      // heroncp.zookeeper.operation-timeout.
      return new DependencyTimeoutException(
          "ZooKeeper did not answer in time while "
              + action
              + "; a change may still take effect: read the topology or retry with the same"
              + " Idempotency-Key",
          null,
          e);
    }
    return new DependencyFailedException(
        "ZooKeeper failed while " + action + "; the error is logged, retry later", null, e);
  }
}
