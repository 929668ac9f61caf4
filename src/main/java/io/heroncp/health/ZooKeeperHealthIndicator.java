package io.heroncp.health;

import io.heroncp.topology.TopologyRepository;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.ZooKeeper;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * ZooKeeper as the service sees it: UP while the Curator client holds a connected session. Reads
 * only the client's own state (no request to the ensemble), so it is cheap and never blocks.
 * Thread-safe.
 *
 * <p>Also DOWN until the topology records are loaded into the service's cache (at start, before it
 * may serve complete lists): a replica joins the load balancer with every record in memory.
 *
 * <p>Details: {@code connect_string}, {@code state} (Curator's client state), {@code connected},
 * {@code session_id} (hex, as ZooKeeper's own logs print it; absent when there is no session),
 * {@code records_loaded}.
 */
public final class ZooKeeperHealthIndicator implements HealthIndicator {

  private final CuratorFramework client;
  private final TopologyRepository records;

  public ZooKeeperHealthIndicator(CuratorFramework client, TopologyRepository records) {
    this.client = Objects.requireNonNull(client, "client");
    this.records = Objects.requireNonNull(records, "records");
  }

  @Override
  public Health health() {
    boolean started = client.getState() == CuratorFrameworkState.STARTED;
    boolean connected = started && client.getZookeeperClient().isConnected();
    boolean loaded = records.loaded();
    Health.Builder health = connected && loaded ? Health.up() : Health.down();
    health
        .withDetail("connect_string", client.getZookeeperClient().getCurrentConnectionString())
        .withDetail("state", client.getState().name())
        .withDetail("connected", connected)
        .withDetail("records_loaded", loaded);
    if (connected) {
      sessionId().ifPresent(id -> health.withDetail("session_id", id));
      if (!loaded) {
        health.withDetail(
            "reason", "loading the topology records into memory; reads would be incomplete");
      }
    } else {
      health.withDetail(
          "reason",
          started
              ? "no connected ZooKeeper session; the client keeps reconnecting, mutations answer 503 meanwhile"
              : "the ZooKeeper client is not started");
    }
    return health.build();
  }

  private java.util.Optional<String> sessionId() {
    try {
      ZooKeeper zooKeeper = client.getZookeeperClient().getZooKeeper();
      long id = zooKeeper.getSessionId();
      return id == 0
          ? java.util.Optional.empty()
          : java.util.Optional.of("0x" + Long.toHexString(id));
    } catch (Exception e) {
      // Only the connection state is essential; the id is a convenience for matching ZooKeeper's
      // server logs.
      return java.util.Optional.empty();
    }
  }
}
