package io.heroncp.packages;

import io.heroncp.topology.OperationLog;
import io.heroncp.topology.TopologyLocks;
import io.heroncp.topology.TopologyRepository;
import io.heroncp.zookeeper.LeaderOnlyTasks;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The leader's package sweep ({@link PackageSweeper}), every {@code
 * heroncp.packages.sweep-interval} on the elected leader once the service is ready.
 */
@Configuration(proxyBeanMethods = false)
class PackageSweepConfiguration {

  @Bean
  PackageSweeper packageSweeper(
      PackageStore packageStore,
      TopologyRepository topologyRepository,
      OperationLog operationLog,
      TopologyLocks topologyLocks,
      PackageStoreProperties properties,
      MeterRegistry meterRegistry,
      ObjectProvider<Clock> clock) {
    return new PackageSweeper(
        packageStore,
        topologyRepository,
        operationLog,
        topologyLocks,
        properties.orphanGracePeriod(),
        properties.incomingTtl(),
        meterRegistry,
        clock.getIfAvailable(Clock::systemUTC));
  }

  /** The sweep runs on the elected leader once the service is ready. */
  @Bean
  ApplicationListener<ApplicationReadyEvent> packageSweepStarter(
      LeaderOnlyTasks leaderOnlyTasks,
      PackageSweeper packageSweeper,
      PackageStoreProperties properties) {
    return event -> leaderOnlyTasks.start(packageSweeper::sweepOnce, properties.sweepInterval());
  }
}
