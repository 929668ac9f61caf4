package io.heroncp.health;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.packages.PackageStore;
import io.heroncp.packages.PackageStoreProperties;
import io.heroncp.topology.SchedulerDirectory;
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
 */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

  /** How long the Aurora indicator waits for one cluster's probe. */
  static final Duration AURORA_PROBE_TIMEOUT = Duration.ofSeconds(10);

  @Bean
  @ConditionalOnEnabledHealthIndicator("zookeeper")
  ZooKeeperHealthIndicator zookeeperHealthIndicator(CuratorFramework curatorFramework) {
    return new ZooKeeperHealthIndicator(curatorFramework);
  }

  @Bean
  @ConditionalOnEnabledHealthIndicator("aurora")
  AuroraHealthIndicator auroraHealthIndicator(
      ClusterRegistry clusterRegistry, SchedulerDirectory schedulers) {
    return new AuroraHealthIndicator(clusterRegistry, schedulers, AURORA_PROBE_TIMEOUT);
  }

  @Bean
  @ConditionalOnEnabledHealthIndicator("packageStore")
  PackageStoreHealthIndicator packageStoreHealthIndicator(
      PackageStore packageStore, PackageStoreProperties properties) {
    return new PackageStoreHealthIndicator(packageStore, properties.maxUploadSize());
  }
}
