package io.heroncp.metrics;

import io.heroncp.aurora.AuroraScheduler;
import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.packages.PackageStore;
import io.heroncp.topology.SchedulerDirectory;
import io.heroncp.topology.TopologyScheduler;
import io.heroncp.zookeeper.TopologyStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code controlPlaneMetrics} bean with its gauges registered, and {@code auroraCallMetrics}, which times every
 * Aurora scheduler's Thrift exchanges once all singletons exist.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

  /** Topology records and the package list are read at most this often for the gauges. */
  static final Duration GAUGE_REFRESH = Duration.ofSeconds(5);

  @Bean
  ControlPlaneMetrics controlPlaneMetrics(MeterRegistry meterRegistry, ClusterRegistry clusterRegistry,
      TopologyStore topologyStore, PackageStore packageStore) {
    ControlPlaneMetrics metrics = new ControlPlaneMetrics(meterRegistry);
    metrics.registerGauges(clusterRegistry.all().keySet(), topologyStore::list, packageStore, GAUGE_REFRESH);
    return metrics;
  }

  @Bean
  SmartInitializingSingleton auroraCallMetrics(ControlPlaneMetrics controlPlaneMetrics, ClusterRegistry clusterRegistry,
      SchedulerDirectory schedulers) {
    return () -> clusterRegistry.all().keySet().forEach(cluster -> {
      TopologyScheduler scheduler = schedulers.forCluster(cluster);
      if (scheduler instanceof AuroraScheduler aurora) {
        aurora.observeCalls(controlPlaneMetrics::recordAuroraCall);
      }
    });
  }
}
