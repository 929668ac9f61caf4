package io.heroncp.topology;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.HeronTopologyManagerClient;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.packages.PackageStore;
import io.heroncp.packages.PackageStoreProperties;
import io.heroncp.packages.TopologyPackageBuilder;
import io.heroncp.zookeeper.LeaderOnlyTasks;
import io.heroncp.zookeeper.OperationStore;
import io.heroncp.zookeeper.OperationsProperties;
import io.heroncp.zookeeper.TopologyLocks;
import io.heroncp.zookeeper.TopologyStore;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the lifecycle: the operation runner, submit/kill, the runtime verbs and the reconciler. */
@Configuration(proxyBeanMethods = false)
class LifecycleConfiguration {

  @Bean(destroyMethod = "shutdown")
  ExecutorService backgroundOperations(OperationsProperties properties) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(properties.backgroundThreads(), properties.backgroundThreads(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(100), runnable -> {
          Thread thread = new Thread(runnable, "operation-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  @Bean
  TopologyManagerClient topologyManagerClient(CuratorFramework curator, OperationsProperties properties) {
    return new HeronTopologyManagerClient(curator, properties.topologyManagerTimeout());
  }

  @Bean
  OperationRunner operationRunner(TopologyStore topologies, OperationStore operations, TopologyLocks locks,
      OperationsProperties properties, ExecutorService backgroundOperations, ObjectProvider<OperationHooks> hooks,
      ObjectProvider<OperationRunner.OperationListener> listener, Clock clock) {
    return new OperationRunner(topologies, operations, locks, properties.lockWait(), backgroundOperations,
        hooks.getIfAvailable(() -> OperationHooks.NONE), clock,
        listener.getIfAvailable(() -> (operation, nanos) -> { }));
  }

  @Bean
  TopologyLifecycle topologyLifecycle(ClusterRegistry clusters, DefinitionReader definitions,
      RoundRobinPacking packing, SchedulerDirectory schedulers, TopologyStore store, PackageStore packages,
      TopologyPackageBuilder packageBuilder, CuratorFramework curator, PackageStoreProperties packageProperties,
      OperationRunner runner, Clock clock) {
    return new TopologyLifecycle(clusters, definitions, packing, schedulers, store, packages, packageBuilder,
        curator.getZookeeperClient().getCurrentConnectionString(), packageProperties.maxUploadSize().toBytes(),
        runner, clock);
  }

  @Bean
  TopologyVerbs topologyVerbs(OperationRunner runner, ClusterRegistry clusters, SchedulerDirectory schedulers,
      TopologyManagerClient topologyManager, TopologyStore store, DefinitionReader definitions,
      RoundRobinPacking packing, OperationsProperties properties) {
    return new TopologyVerbs(runner, clusters, schedulers, topologyManager, store, definitions, packing,
        properties.updateTimeout());
  }

  @Bean
  Reconciler reconciler(TopologyStore topologies, OperationStore operations, TopologyLocks locks,
      SchedulerDirectory schedulers, TopologyManagerClient topologyManager, ClusterRegistry clusters,
      TopologyLifecycle lifecycle, OperationsProperties properties, ObjectProvider<Reconciler.Listener> listener,
      Clock clock) {
    return new Reconciler(topologies, operations, locks, schedulers, topologyManager, clusters, lifecycle,
        properties.reconcileAfter(), clock, listener.getIfAvailable(() -> new Reconciler.Listener() {
          @Override
          public void ran() { }

          @Override
          public void repaired(String what) { }
        }));
  }

  /**
   * The reconciler, the idempotency-key cleanup and the history pruning run on the elected leader once the service
   * is ready.
   */
  @Bean
  ApplicationListener<ApplicationReadyEvent> leaderTasksStarter(LeaderOnlyTasks leaderTasks, Reconciler reconciler,
      OperationStore operations, OperationsProperties properties) {
    return event -> {
      leaderTasks.start(reconciler::reconcileOnce, properties.reconcileInterval());
      leaderTasks.start(operations::removeExpiredIdempotencyEntries, java.time.Duration.ofHours(1));
      leaderTasks.start(() -> operations.pruneHistory(properties.historyLimit()), java.time.Duration.ofHours(1));
    };
  }
}
