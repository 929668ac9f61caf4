package io.heroncp.aurora;

import io.heroncp.problems.DependencyUnavailableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Finds Aurora's leader in its ZooKeeper serverset, as Aurora's own client does: among the children
 * of the serverset path only {@code member_*} nodes count (the leader-election lock nodes live
 * there too), exactly one is expected, and its Gson {@code ServiceInstance} JSON gives the
 * endpoint: {@code additionalEndpoints.https}, else {@code additionalEndpoints.http}, else {@code
 * serviceEndpoint}. The endpoint is cached and watched: ZooKeeper is read again (two reads) only
 * after the serverset or the member changed or the connection state changed, so a leader change is
 * seen within the watch's latency and an Aurora call costs no ZooKeeper read. Thread-safe.
 */
public final class ZooKeeperSchedulerLocator implements SchedulerLocator {

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperSchedulerLocator.class);
  private static final String MEMBER_PREFIX = "member_";

  private final CuratorFramework curator;
  private final String connectString;
  private final String path;
  private final boolean ownsClient;
  private final ObjectMapper json = AuroraJson.MAPPER;

  /** The endpoint found last, or null when it must be looked up again. */
  private final AtomicReference<URI> cached = new AtomicReference<>();

  /** Bumped by every invalidation, so a lookup that raced a change does not cache what it read. */
  private final AtomicLong generation = new AtomicLong();

  /** One watcher instance: ZooKeeper keeps one registration per path however often it is set. */
  private final Watcher invalidator = event -> invalidate();

  private final ConnectionStateListener connectionListener = (client, state) -> invalidate();

  /**
   * Uses a client the caller owns and closes (e.g. the service's own, when Aurora shares its
   * ZooKeeper).
   *
   * @param connectString for messages only
   */
  public ZooKeeperSchedulerLocator(CuratorFramework curator, String connectString, String path) {
    this(curator, connectString, path, false);
  }

  private ZooKeeperSchedulerLocator(
      CuratorFramework curator, String connectString, String path, boolean ownsClient) {
    this.curator = curator;
    this.connectString = connectString;
    this.path = path;
    this.ownsClient = ownsClient;
    curator.getConnectionStateListenable().addListener(connectionListener);
  }

  private void invalidate() {
    generation.incrementAndGet();
    cached.set(null);
  }

  /** Starts its own Curator client for {@code connectString}; {@link #close()} closes it. */
  public static ZooKeeperSchedulerLocator connect(
      String connectString, String path, Duration connectTimeout) {
    int timeoutMs = (int) Math.max(1000, connectTimeout.toMillis());
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .connectionTimeoutMs(timeoutMs)
            .sessionTimeoutMs(Math.max(30_000, timeoutMs * 2))
            .retryPolicy(new ExponentialBackoffRetry(200, 2))
            .build();
    client.start();
    return new ZooKeeperSchedulerLocator(client, connectString, path, true);
  }

  @Override
  public URI locate() {
    URI known = cached.get();
    if (known != null) {
      return known;
    }
    long seen = generation.get();
    List<String> members;
    byte[] data;
    try {
      members =
          curator.getChildren().usingWatcher(invalidator).forPath(path).stream()
              .filter(c -> c.startsWith(MEMBER_PREFIX))
              .sorted()
              .toList();
      if (members.isEmpty()) {
        throw new DependencyUnavailableException(
            "no Aurora scheduler leader is announced under "
                + description()
                + "; check that the scheduler is up and the serverset path is right");
      }
      if (members.size() > 1) {
        // A leader that lost its ZooKeeper session announces itself again before the server has
        // expired the old session's node: the newest announcement is the live one. (A standby
        // would answer 307/503, which the call reports as a dependency failure.)
        log.warn(
            "more than one Aurora scheduler is announced under {}: {}; using the newest",
            description(),
            members);
      }
      data =
          curator
              .getData()
              .usingWatcher(invalidator)
              .forPath(path + "/" + members.get(members.size() - 1));
    } catch (DependencyUnavailableException e) {
      throw e;
    } catch (KeeperException.NoNodeException e) {
      throw new DependencyUnavailableException(
          "no Aurora scheduler leader is announced: "
              + description()
              + " does not exist; check the serverset path",
          null,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyUnavailableException(
          "interrupted while looking up the Aurora scheduler", null, e);
    } catch (Exception e) {
      throw new DependencyUnavailableException(
          "cannot read the Aurora scheduler serverset at " + description() + ": " + e, null, e);
    }
    URI endpoint = endpoint(new String(data, StandardCharsets.UTF_8));
    log.debug("Aurora leader at {} from {}", endpoint, members.get(members.size() - 1));
    if (generation.get() == seen) {
      cached.compareAndSet(null, endpoint);
    }
    return endpoint;
  }

  private URI endpoint(String serviceInstance) {
    try {
      JsonNode node = json.readTree(serviceInstance);
      JsonNode additional = node.path("additionalEndpoints");
      if (additional.has("https")) {
        return uri("https", additional.get("https"));
      }
      if (additional.has("http")) {
        return uri("http", additional.get("http"));
      }
      if (node.has("serviceEndpoint")) {
        return uri("http", node.get("serviceEndpoint"));
      }
    } catch (JacksonException | IllegalArgumentException e) {
      throw new DependencyUnavailableException(
          "the Aurora serverset member under "
              + description()
              + " is not a ServiceInstance JSON: "
              + e.getMessage(),
          null,
          e);
    }
    throw new DependencyUnavailableException(
        "the Aurora serverset member under " + description() + " names no endpoint");
  }

  private static URI uri(String scheme, JsonNode endpoint) {
    String host = endpoint.path("host").asString();
    int port = endpoint.path("port").asInt(-1);
    if (host == null || host.isBlank() || port <= 0) {
      throw new IllegalArgumentException("endpoint without host/port: " + endpoint);
    }
    return URI.create(scheme + "://" + host + ":" + port);
  }

  @Override
  public String description() {
    return "zookeeper " + connectString + path;
  }

  @Override
  public void close() {
    curator.getConnectionStateListenable().removeListener(connectionListener);
    if (ownsClient) {
      curator.close();
    }
  }
}
