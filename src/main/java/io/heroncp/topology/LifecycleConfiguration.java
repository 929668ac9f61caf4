package io.heroncp.topology;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.packages.PackageStore;
import io.heroncp.packages.PackageStoreProperties;
import io.heroncp.packages.TopologyPackageBuilder;
import io.heroncp.zookeeper.TopologyStore;
import io.heroncp.zookeeper.ZooKeeperProperties;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the lifecycle service. */
@Configuration(proxyBeanMethods = false)
class LifecycleConfiguration {

  /** The service's own URL as Aurora's agents reach it; derived from the bound port unless configured. */
  private final AtomicReference<URI> boundBaseUrl = new AtomicReference<>(URI.create("http://127.0.0.1:8080"));

  @Bean
  ApplicationListener<WebServerInitializedEvent> publicBaseUrlListener() {
    return event -> boundBaseUrl.set(URI.create("http://127.0.0.1:" + event.getWebServer().getPort()));
  }

  @Bean
  TopologyLifecycle topologyLifecycle(ClusterRegistry clusters, DefinitionReader definitions,
      RoundRobinPacking packing, SchedulerDirectory schedulers, TopologyStore store,
      PackageStore packages, TopologyPackageBuilder packageBuilder, ZooKeeperProperties zookeeper,
      PackageStoreProperties packageProperties) {
    URI configured = packageProperties.publicBaseUrl();
    return new TopologyLifecycle(clusters, definitions, packing, schedulers, store, packages, packageBuilder, zookeeper,
        () -> configured != null ? configured : boundBaseUrl.get(),
        packageProperties.maxUploadSize().toBytes(), Clock.systemUTC());
  }
}
