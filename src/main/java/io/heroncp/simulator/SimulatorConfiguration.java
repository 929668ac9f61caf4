package io.heroncp.simulator;

import io.heroncp.cluster.ClusterProperties;
import io.heroncp.cluster.ClustersProperties;
import java.net.URI;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs the built-in Aurora scheduler simulator when {@code heroncp.simulator.enabled=true}: the
 * scheduler state, its HTTP endpoint (started on init, stopped on destroy) and its leader
 * announcement in the service's ZooKeeper under {@code heroncp.simulator.zookeeper-path}; and the
 * local topology-manager stand-in ({@link TopologyManagerStandIn}, HTTP port {@code
 * heroncp.simulator.topology-manager-port}, 0 = free), which writes Heron's {@code
 * tmanagers}/{@code pplans} nodes through the service's Curator client and answers activate,
 * deactivate and runtime-config calls for the topologies the simulator runs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "heroncp.simulator", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(SimulatorStateProperties.class)
public class SimulatorConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SimulatorConfiguration.class);

  /**
   * On the application's {@code Clock} bean when there is one, else on the system clock; resumes
   * the state it journaled in ZooKeeper under {@code heroncp.simulator.state.path}.
   */
  @Bean(destroyMethod = "close")
  AuroraSimulator auroraSimulator(
      SimulatorProperties properties,
      SimulatorStateProperties state,
      CuratorFramework curator,
      ObjectProvider<Clock> clock) {
    SimulatorJournal journal =
        state.enabled()
            ? new ZooKeeperSimulatorJournal(curator, state.path())
            : SimulatorJournal.NONE;
    return new AuroraSimulator(properties, clock.getIfAvailable(Clock::systemUTC), journal);
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  SimulatorHttpServer simulatorHttpServer(
      AuroraSimulator auroraSimulator, SimulatorProperties properties) {
    return new SimulatorHttpServer(auroraSimulator, properties);
  }

  /**
   * Warns at startup when the simulator's cluster names a simulated core package somewhere the
   * simulator is not serving it (typically {@code heroncp.simulator.port=0} with the default {@code
   * core-package-uri}): every task would fail to fetch it.
   */
  @Bean
  SmartInitializingSingleton simulatorCorePackageCheck(
      SimulatorHttpServer simulatorHttpServer,
      SimulatorProperties properties,
      ObjectProvider<ClustersProperties> clustersProvider) {
    return () -> {
      ClustersProperties clusters = clustersProvider.getIfAvailable();
      ClusterProperties cluster =
          clusters == null ? null : clusters.clusters().get(properties.clusterName());
      URI served = simulatorHttpServer.corePackageUri();
      if (cluster != null
          && cluster.corePackageUri() != null
          && SimulatedCorePackage.PATH.equals(cluster.corePackageUri().getPath())
          && !served.equals(cluster.corePackageUri())) {
        log.warn(
            "Cluster {} fetches its Heron core package from {}, but the simulator serves it at {}: every task"
                + " will fail to fetch it. Set heroncp.clusters.{}.core-package-uri={}",
            properties.clusterName(),
            cluster.corePackageUri(),
            served,
            properties.clusterName(),
            served);
      }
    };
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  SchedulerAnnouncer simulatorAnnouncer(
      CuratorFramework curator,
      SimulatorHttpServer simulatorHttpServer,
      SimulatorProperties properties) {
    // The HTTP server bean is initialized (started) before this one, so the bound port is known.
    return new SchedulerAnnouncer(
        curator, properties.zookeeperPath(), properties.host(), simulatorHttpServer.port());
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  TopologyManagerStandIn topologyManagerStandIn(
      AuroraSimulator auroraSimulator, CuratorFramework curator, SimulatorProperties properties) {
    return new TopologyManagerStandIn(
        auroraSimulator, curator, properties.host(), properties.topologyManagerPort());
  }
}
