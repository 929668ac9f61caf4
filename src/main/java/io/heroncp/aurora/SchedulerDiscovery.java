package io.heroncp.aurora;

import io.heroncp.cluster.ClusterProperties;
import java.net.URI;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/**
 * How a cluster's Aurora scheduler is found: a static base URL, or a ZooKeeper serverset (connect
 * string + path). Exactly one of {@code url} and {@code zookeeper} is set.
 *
 * @param url the scheduler's base URL, or null
 * @param zookeeper the ZooKeeper connect string Aurora announces its leader in, or null
 * @param zookeeperPath the serverset path ({@code -serverset_path}); used with {@code zookeeper}
 */
public record SchedulerDiscovery(URI url, String zookeeper, String zookeeperPath) {

  public SchedulerDiscovery {
    boolean hasUrl = url != null;
    boolean hasZookeeper = zookeeper != null && !zookeeper.isBlank();
    if (hasUrl == hasZookeeper) {
      throw new IllegalArgumentException(
          "set exactly one of a scheduler url and a ZooKeeper connect string");
    }
    if (hasZookeeper && (zookeeperPath == null || !zookeeperPath.startsWith("/"))) {
      throw new IllegalArgumentException(
          "the scheduler's ZooKeeper path must start with '/': " + zookeeperPath);
    }
  }

  public static SchedulerDiscovery staticUrl(URI url) {
    return new SchedulerDiscovery(url, null, null);
  }

  public static SchedulerDiscovery zookeeper(String connectString, String path) {
    return new SchedulerDiscovery(null, connectString, path);
  }

  /**
   * The discovery configured under {@code heroncp.clusters.<c>.scheduler}, or null when it sets
   * neither {@code url} nor {@code zookeeper} (then a clusters.json entry may supply it).
   */
  public static SchedulerDiscovery of(ClusterProperties.Scheduler scheduler) {
    if (scheduler.url() != null) {
      return staticUrl(scheduler.url());
    }
    if (scheduler.zookeeper() != null && !scheduler.zookeeper().isBlank()) {
      return zookeeper(scheduler.zookeeper(), scheduler.zookeeperPath());
    }
    return null;
  }

  /**
   * A locator for this discovery. A serverset in the service's own ZooKeeper ({@code zookeeper}
   * equal to {@code serviceConnectString}) is read with {@code serviceCurator} (not closed by the
   * locator); any other ensemble gets a Curator client of its own, closed by {@link
   * SchedulerLocator#close()}.
   *
   * @param serviceCurator the service's started client, or null
   * @param serviceConnectString its connect string, or null
   */
  public SchedulerLocator locator(
      CuratorFramework serviceCurator, String serviceConnectString, Duration connectTimeout) {
    if (url != null) {
      return new StaticSchedulerLocator(url);
    }
    if (serviceCurator != null && zookeeper.equals(serviceConnectString)) {
      return new ZooKeeperSchedulerLocator(serviceCurator, zookeeper, zookeeperPath);
    }
    return ZooKeeperSchedulerLocator.connect(zookeeper, zookeeperPath, connectTimeout);
  }

  @Override
  public String toString() {
    return url != null ? "static " + url : "zookeeper " + zookeeper + zookeeperPath;
  }
}
