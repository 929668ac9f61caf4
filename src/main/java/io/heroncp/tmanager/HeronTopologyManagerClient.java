package io.heroncp.tmanager;

import io.heroncp.heron.HeronPaths;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.TManagerLocation;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.topology.TopologyManagerClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.CuratorCacheStorage;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TopologyManagerClient} of Heron's own processes: finds the topology manager through
 * {@code tmanagers/<name>} and reads the runtime state from {@code pplans/<name>} in the given
 * ZooKeeper, and sends its controller the GET requests Heron's {@code TManagerUtils} sends. Values
 * in the query are URL-encoded (Heron's HTTP server decodes {@code %XX} and {@code +}).
 *
 * <p>One difference from Heron: the {@code topologyid} sent is the caller's, not the one in the
 * TManager's location, so a TManager of another submission under the same name refuses (HTTP 400)
 * instead of obeying.
 *
 * <p>Thread-safe. Sends nothing but what each method names; a TManager already in the target state
 * is the caller's business (Heron warns and succeeds without calling it).
 */
public class HeronTopologyManagerClient implements TopologyManagerClient, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HeronTopologyManagerClient.class);
  private static final int MAX_BODY_IN_MESSAGE = 500;

  private final CuratorFramework curator;
  private final Duration timeout;
  private final HttpClient http;
  private final Map<String, CuratorCache> announcements = new ConcurrentHashMap<>();
  private final List<AnnouncementListener> announcementListeners = new CopyOnWriteArrayList<>();

  /**
   * @param curator a started client of the ZooKeeper holding Heron's state (the cluster's state
   *     manager)
   * @param timeout how long connecting to the TManager, and then its answer, may each take
   */
  public HeronTopologyManagerClient(CuratorFramework curator, Duration timeout) {
    this.curator = Objects.requireNonNull(curator, "curator");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String runtimeState(String heronRoot, String topologyName) {
    String path = new HeronPaths(heronRoot).physicalPlan(topologyName);
    byte[] bytes = read(path);
    if (bytes == null) {
      return null;
    }
    try {
      return HeronStateCodec.decodePhysicalPlanState(bytes).name();
    } catch (IllegalArgumentException e) {
      throw new DependencyFailedException(
          path
              + " in ZooKeeper is not a Heron physical plan ("
              + e.getMessage()
              + "); it was written by something else than Heron's topology manager",
          null,
          e);
    }
  }

  @Override
  public boolean announced(String heronRoot, String topologyName) {
    HeronPaths paths = new HeronPaths(heronRoot);
    return watched(heronRoot).get(paths.tmanagerLocation(topologyName)).isPresent();
  }

  @Override
  public void addAnnouncementListener(AnnouncementListener listener) {
    announcementListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops watching every root. */
  @Override
  public void close() {
    announcements.values().forEach(CuratorCache::close);
    announcements.clear();
  }

  /**
   * The cache of {@code tmanagers/} under this root, started (and loaded, bounded) on first use.
   */
  private CuratorCache watched(String heronRoot) {
    CuratorCache existing = announcements.get(heronRoot);
    if (existing != null) {
      return existing;
    }
    synchronized (announcements) {
      existing = announcements.get(heronRoot);
      if (existing != null) {
        return existing;
      }
      String directory = new HeronPaths(heronRoot).tmanagerLocation("x");
      String parent = directory.substring(0, directory.lastIndexOf('/'));
      CuratorCache cache =
          CuratorCache.builder(curator, parent)
              .withStorage(CuratorCacheStorage.dataNotCached())
              .build();
      CountDownLatch loaded = new CountDownLatch(1);
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forCreates(node -> announce(heronRoot, parent, node.getPath(), true))
                  .forDeletes(node -> announce(heronRoot, parent, node.getPath(), false))
                  .forInitialized(loaded::countDown)
                  .build());
      cache.start();
      try {
        if (!loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn(
              "Topology manager locations under {} not loaded yet; announced() may lag", parent);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      announcements.put(heronRoot, cache);
      return cache;
    }
  }

  private void announce(String heronRoot, String parent, String path, boolean present) {
    if (!path.startsWith(parent + "/")) {
      return;
    }
    String name = path.substring(parent.length() + 1);
    if (name.contains("/")) {
      return;
    }
    for (AnnouncementListener listener : announcementListeners) {
      try {
        listener.changed(heronRoot, name, present);
      } catch (RuntimeException e) {
        log.warn("A topology manager announcement listener failed: {}", e.toString());
      }
    }
  }

  @Override
  public void activate(String heronRoot, String topologyName, String topologyId) {
    send(heronRoot, topologyName, "activate", query(topologyId, List.of()));
  }

  @Override
  public void deactivate(String heronRoot, String topologyName, String topologyId) {
    send(heronRoot, topologyName, "deactivate", query(topologyId, List.of()));
  }

  /**
   * @throws IllegalArgumentException the list is empty (the TManager would have nothing to do)
   */
  @Override
  public void updateRuntimeConfig(
      String heronRoot, String topologyName, String topologyId, List<String> runtimeConfig) {
    if (runtimeConfig == null || runtimeConfig.isEmpty()) {
      throw new IllegalArgumentException(
          "name at least one runtime config as <component>:<key>:<value>");
    }
    send(heronRoot, topologyName, "runtime_config/update", query(topologyId, runtimeConfig));
  }

  /** Deletes {@code tmanagers/<name>} if it exists; idempotent. */
  @Override
  public void clearLocation(String heronRoot, String topologyName) {
    String path = new HeronPaths(heronRoot).tmanagerLocation(topologyName);
    try {
      curator.delete().forPath(path);
      log.info("deleted the topology manager location {}", path);
    } catch (KeeperException.NoNodeException e) {
      log.debug("no topology manager location {} to delete", path);
    } catch (Exception e) {
      throw zooKeeperFailure("delete", path, e);
    }
  }

  /**
   * {@code topologyid=<id>} then {@code &runtime-config=<c:k:v>} for each entry, every value
   * URL-encoded.
   */
  static String query(String topologyId, List<String> runtimeConfig) {
    Objects.requireNonNull(topologyId, "topologyId");
    StringBuilder query = new StringBuilder("topologyid=").append(encode(topologyId));
    for (String config : runtimeConfig) {
      query.append("&runtime-config=").append(encode(config));
    }
    return query.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private void send(String heronRoot, String topologyName, String command, String query) {
    HeronPaths paths = new HeronPaths(heronRoot);
    TManagerLocation location = location(paths, topologyName);
    if (read(paths.physicalPlan(topologyName)) == null) {
      throw notStarted(topologyName, "pplans/" + topologyName);
    }
    URI uri =
        URI.create(
            "http://"
                + hostForUri(location.host())
                + ":"
                + location.controllerPort()
                + "/"
                + command
                + "?"
                + query);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    log.info("topology manager of {}: GET {}", topologyName, uri);
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new DependencyUnavailableException(
          "cannot connect to the topology manager of "
              + topologyName
              + " at "
              + location.host()
              + ":"
              + location.controllerPort()
              + " ("
              + e
              + "); it may be restarting, retry shortly",
          null,
          e);
    } catch (HttpTimeoutException e) {
      throw new DependencyTimeoutException(
          "the topology manager of "
              + topologyName
              + " did not answer "
              + command
              + " within "
              + timeout
              + "; the command may still take effect, check the topology's state before retrying",
          null,
          e);
    } catch (IOException e) {
      throw new DependencyUnavailableException(
          "the call "
              + command
              + " to the topology manager of "
              + topologyName
              + " at "
              + location.host()
              + ":"
              + location.controllerPort()
              + " failed: "
              + e
              + "; retry shortly",
          null,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyUnavailableException(
          "interrupted while calling the topology manager of " + topologyName, null, e);
    }
    int status = response.statusCode();
    String body = shortened(response.body());
    if (status == 200) {
      log.info("topology manager of {} accepted {}", topologyName, command);
      return;
    }
    if (status == 400) {
      throw new ConflictException(
          "the topology manager of "
              + topologyName
              + " refused "
              + command
              + ": "
              + body
              + "; check the topology's state and id",
          null);
    }
    throw new DependencyFailedException(
        "the topology manager of "
            + topologyName
            + " answered "
            + command
            + " with HTTP "
            + status
            + ": "
            + body
            + "; see its log in container 0");
  }

  private TManagerLocation location(HeronPaths paths, String topologyName) {
    String path = paths.tmanagerLocation(topologyName);
    byte[] bytes = read(path);
    if (bytes == null) {
      throw notStarted(topologyName, "tmanagers/" + topologyName);
    }
    try {
      return HeronStateCodec.decodeTManagerLocation(bytes);
    } catch (IllegalArgumentException e) {
      throw new DependencyFailedException(
          path + " in ZooKeeper is not a Heron TManagerLocation (" + e.getMessage() + ")", null, e);
    }
  }

  private static DependencyUnavailableException notStarted(String topologyName, String node) {
    return new DependencyUnavailableException(
        "The topology manager of "
            + topologyName
            + " has not started yet (no "
            + node
            + " in ZooKeeper); retry when the topology is running");
  }

  /** The node's bytes, or null when it does not exist. */
  private byte[] read(String path) {
    try {
      return curator.getData().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return null;
    } catch (Exception e) {
      throw zooKeeperFailure("read", path, e);
    }
  }

  private static RuntimeException zooKeeperFailure(String verb, String path, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new DependencyUnavailableException(
        "cannot "
            + verb
            + " "
            + path
            + " in Heron's ZooKeeper ("
            + e
            + "); check that ZooKeeper is reachable and retry",
        null,
        e);
  }

  private static String hostForUri(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String shortened(String body) {
    String text = body == null ? "" : body.strip();
    if (text.isEmpty()) {
      return "(no body)";
    }
    return text.length() > MAX_BODY_IN_MESSAGE
        ? text.substring(0, MAX_BODY_IN_MESSAGE) + "..."
        : text;
  }
}
