package io.heroncp.cluster;

import io.heroncp.packages.PackageStore;
import io.heroncp.packages.TopologyPackageBuilder;
import io.heroncp.topology.SchedulerDirectory;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code preflight} bean. */
@Configuration(proxyBeanMethods = false)
class PreflightConfiguration {

  @Bean
  Preflight preflight(
      ClusterRegistry clusterRegistry,
      SchedulerDirectory schedulers,
      CuratorFramework curatorFramework,
      TopologyPackageBuilder topologyPackageBuilder,
      PackageStore packageStore) {
    return new Preflight(
        clusterRegistry,
        schedulers,
        curatorFramework,
        topologyPackageBuilder::placeholderUri,
        packageStore::probe,
        Duration.ofSeconds(10));
  }
}
