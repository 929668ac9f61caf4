package io.heroncp.health;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.packages.PackageStore;
import io.heroncp.packages.PackageStoreProperties;
import io.heroncp.topology.SchedulerDirectory;
import io.heroncp.topology.TopologyRepository;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service's health indicators. Contributor names (as they appear under {@code /actuator/health}
 * and in the health groups of application.yaml) are the bean names without {@code HealthIndicator}:
 * {@code zookeeper}, {@code aurora}, {@code packageStore}. Each can be switched off with {@code
 * management.health.<name>.enabled=false}.
 *
 * <p>Health answers within a second whatever the dependencies do: the Aurora and package-store
 * probes (network, disk) run in the background ({@link BackgroundHealthIndicator}) and a call
 * answers their last result; the ZooKeeper indicator reads only the client's own state.
 */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

  /** How long the Aurora indicator waits for one cluster's probe. */
  static final Duration AURORA_PROBE_TIMEOUT = Duration.ofSeconds(10);

  /** The pause between two background probes. */
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

  /** How long a health call made before a probe's first result waits for it. */
  static final Duration FIRST_PROBE_WAIT = Duration.ofMillis(500);

  @Bean
  @ConditionalOnEnabledHealthIndicator("zookeeper")
  ZooKeeperHealthIndicator zookeeperHealthIndicator(
      CuratorFramework curatorFramework, TopologyRepository topologyRepository) {
    return new ZooKeeperHealthIndicator(curatorFramework, topologyRepository);
  }

  @Bean
  @ConditionalOnEnabledHealthIndicator("aurora")
  BackgroundHealthIndicator auroraHealthIndicator(
      ClusterRegistry clusterRegistry, SchedulerDirectory schedulers, Clock clock) {
    return new BackgroundHealthIndicator(
        "aurora",
        new AuroraHealthIndicator(clusterRegistry, schedulers, AURORA_PROBE_TIMEOUT),
        PROBE_INTERVAL,
        FIRST_PROBE_WAIT,
        clock);
  }

  @Bean
  @ConditionalOnEnabledHealthIndicator("packageStore")
  BackgroundHealthIndicator packageStoreHealthIndicator(
      PackageStore packageStore, PackageStoreProperties properties, Clock clock) {
    return new BackgroundHealthIndicator(
        "package-store",
        new PackageStoreHealthIndicator(packageStore, properties.maxUploadSize()),
        PROBE_INTERVAL,
        FIRST_PROBE_WAIT,
        clock);
  }
}
