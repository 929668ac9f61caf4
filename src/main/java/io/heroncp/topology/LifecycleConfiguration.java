package io.heroncp.topology;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.packages.PackageStore;
import io.heroncp.packages.PackageStoreProperties;
import io.heroncp.packages.TopologyPackageBuilder;
import io.heroncp.zookeeper.TopologyStore;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the lifecycle service. */
@Configuration(proxyBeanMethods = false)
class LifecycleConfiguration {

  @Bean
  TopologyLifecycle topologyLifecycle(ClusterRegistry clusters, DefinitionReader definitions,
      RoundRobinPacking packing, SchedulerDirectory schedulers, TopologyStore store, PackageStore packages,
      TopologyPackageBuilder packageBuilder, CuratorFramework curator, PackageStoreProperties packageProperties) {
    return new TopologyLifecycle(clusters, definitions, packing, schedulers, store, packages, packageBuilder,
        curator.getZookeeperClient().getCurrentConnectionString(), packageProperties.maxUploadSize().toBytes(), Clock.systemUTC());
  }
}
