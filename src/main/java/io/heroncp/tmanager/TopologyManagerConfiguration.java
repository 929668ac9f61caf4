package io.heroncp.tmanager;

import io.heroncp.topology.OperationsProperties;
import io.heroncp.topology.TopologyManagerClient;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The client of Heron's topology managers, found through their location in ZooKeeper. */
@Configuration(proxyBeanMethods = false)
class TopologyManagerConfiguration {

  @Bean
  TopologyManagerClient topologyManagerClient(
      CuratorFramework curator, OperationsProperties properties) {
    return new HeronTopologyManagerClient(curator, properties.topologyManagerTimeout());
  }
}
