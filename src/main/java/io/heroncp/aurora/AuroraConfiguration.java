package io.heroncp.aurora;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.cluster.ClustersProperties;
import io.heroncp.topology.SchedulerDirectory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One {@link AuroraScheduler} per configured cluster, and the registry of clusters. */
@Configuration(proxyBeanMethods = false)
class AuroraConfiguration {

  private static final Logger log = LoggerFactory.getLogger(AuroraConfiguration.class);

  @Bean
  AuroraClusters auroraClusters(ClustersProperties properties) {
    return new AuroraClusters(
        properties.auroraClustersJson() == null
            ? Map.of()
            : AuroraClustersFile.read(properties.auroraClustersJson()));
  }

  @Bean
  ClusterRegistry clusterRegistry(ClustersProperties properties, AuroraClusters clustersJson) {
    return new ClusterRegistry(properties.clusters(), clustersJson.entries().keySet())
        .requireConfigDirectories();
  }

  @Bean(destroyMethod = "close")
  AuroraSchedulers auroraSchedulers(
      ClusterRegistry clusters, AuroraClusters clustersJson, CuratorFramework curator) {
    String serviceZooKeeper = curator.getZookeeperClient().getCurrentConnectionString();
    Map<String, AuroraScheduler> schedulers = new LinkedHashMap<>();
    clusters
        .all()
        .forEach(
            (name, cluster) -> {
              AuroraScheduler scheduler =
                  AuroraScheduler.forCluster(
                      name, cluster, clustersJson.entries().get(name), curator, serviceZooKeeper);
              schedulers.put(name, scheduler);
              // The startup summary names the scheduler and the Heron root; the core package is for
              // debugging.
              log.debug(
                  "Cluster {}: Aurora scheduler by {}, Heron state under {}, Heron core package {}",
                  name,
                  scheduler.discoveryDescription(),
                  cluster.heronRoot(),
                  withoutCredentials(cluster.corePackageUri()));
            });
    return new AuroraSchedulers(schedulers);
  }

  /** A URI for the log: user info and query (a pre-signed URL's signature) left out. */
  static String withoutCredentials(java.net.URI uri) {
    if (uri == null) {
      return "none";
    }
    try {
      String bare =
          new java.net.URI(
                  uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
              .toString();
      return uri.getRawQuery() == null ? bare : bare + "?…";
    } catch (java.net.URISyntaxException e) {
      return uri.getScheme() + ":…";
    }
  }

  /** Entries of Aurora's clusters.json, by cluster name (empty when none is configured). */
  record AuroraClusters(Map<String, AuroraClustersFile.Entry> entries) {}

  /** The schedulers by cluster; closes their own ZooKeeper clients on shutdown. */
  record AuroraSchedulers(Map<String, AuroraScheduler> byCluster)
      implements SchedulerDirectory, AutoCloseable {

    @Override
    public AuroraScheduler forCluster(String cluster) {
      AuroraScheduler scheduler = byCluster.get(cluster);
      if (scheduler == null) {
        throw new IllegalArgumentException("no scheduler for cluster " + cluster);
      }
      return scheduler;
    }

    @Override
    public void close() {
      byCluster.values().forEach(AuroraScheduler::close);
    }
  }
}
