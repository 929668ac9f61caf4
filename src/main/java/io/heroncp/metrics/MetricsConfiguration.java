package io.heroncp.metrics;

import io.heroncp.aurora.AuroraScheduler;
import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.packages.PackageStore;
import io.heroncp.topology.OperationRunner;
import io.heroncp.topology.Reconciler;
import io.heroncp.topology.SchedulerDirectory;
import io.heroncp.topology.TopologyEventHub;
import io.heroncp.topology.TopologyScheduler;
import io.heroncp.topology.TopologyStatusWatcher;
import io.heroncp.topology.UnreadableRecords;
import io.heroncp.zookeeper.TopologyStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.curator.drivers.TracerDriver;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The {@code controlPlaneMetrics} bean with its gauges registered, and {@code auroraCallMetrics},
 * which times every Aurora scheduler's Thrift exchanges once all singletons exist.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

  /** Topology records and the package list are read at most this often for the gauges. */
  static final Duration GAUGE_REFRESH = Duration.ofSeconds(5);

  @Bean
  ControlPlaneMetrics controlPlaneMetrics(
      MeterRegistry meterRegistry,
      ClusterRegistry clusterRegistry,
      TopologyStore topologyStore,
      PackageStore packageStore) {
    ControlPlaneMetrics metrics = new ControlPlaneMetrics(meterRegistry);
    metrics.registerGauges(
        clusterRegistry.all().keySet(), topologyStore::list, packageStore, GAUGE_REFRESH);
    return metrics;
  }

  /** Times every lifecycle operation by verb, cluster, outcome and problem type. */
  @Bean
  OperationRunner.OperationListener operationMetrics(ControlPlaneMetrics metrics) {
    return (operation, nanos) ->
        metrics.recordOperation(
            operation.verb().name().toLowerCase(Locale.ROOT),
            operation.key().cluster(),
            operation.outcome().name().toLowerCase(Locale.ROOT),
            operation.error() == null ? null : operation.error().type(),
            Duration.ofNanos(nanos));
  }

  /** Counts records set aside as unreadable. */
  @Bean
  UnreadableRecords.Listener unreadableRecordMetrics(ControlPlaneMetrics metrics) {
    return metrics::countQuarantined;
  }

  /** Counts the reconciler's runs and repairs. */
  @Bean
  Reconciler.Listener reconcilerMetrics(ControlPlaneMetrics metrics) {
    return new Reconciler.Listener() {
      @Override
      public void ran() {
        metrics.countReconcilerRun();
      }

      @Override
      public void repaired(String what) {
        metrics.countReconcilerRepairs(1);
      }
    };
  }

  /** Event streams open on this replica (at most heroncp.events.max-subscribers). */
  @Bean
  MeterBinder eventStreamMetrics(TopologyEventHub topologyEventHub) {
    return registry ->
        Gauge.builder("heroncp.event.streams", topologyEventHub, TopologyEventHub::subscribers)
            .description("Event streams open on this replica")
            .register(registry);
  }

  /** Counts the status watcher's calls to Aurora. */
  @Bean
  TopologyStatusWatcher.Listener statusCallMetrics(ControlPlaneMetrics metrics) {
    return new TopologyStatusWatcher.Listener() {
      @Override
      public void statusCall(String cluster, String trigger) {
        metrics.countStatusCall(cluster, trigger);
      }
    };
  }

  /**
   * Times every ZooKeeper operation by kind through Curator's tracer, which Curator calls for each
   * operation it performs (e.g. {@code GetDataBuilderImpl-Foreground}, {@code
   * CuratorMultiTransactionImpl-Foreground}), on the thread that made a foreground call; tagged
   * {@code request} when that thread is serving an HTTP request ({@link RequestPathMarker}).
   */
  @Bean
  SmartInitializingSingleton zooKeeperMetrics(
      ControlPlaneMetrics metrics, CuratorFramework curator) {
    return () ->
        curator
            .getZookeeperClient()
            .setTracerDriver(
                new TracerDriver() {
                  @Override
                  public void addTrace(String name, long time, TimeUnit unit) {
                    metrics.recordZooKeeper(
                        name,
                        RequestPathMarker.onRequestPath()
                            ? ControlPlaneMetrics.ZOOKEEPER_REQUEST
                            : ControlPlaneMetrics.ZOOKEEPER_BACKGROUND,
                        Duration.ofNanos(unit.toNanos(time)));
                  }

                  @Override
                  public void addCount(String name, int increment) {
                    // counts (e.g. connection losses) are not timers
                  }
                });
  }

  /** Marks request threads for {@link #zooKeeperMetrics}; first, so every filter's calls count. */
  @Bean
  FilterRegistrationBean<RequestPathMarker> requestPathMarker() {
    FilterRegistrationBean<RequestPathMarker> registration =
        new FilterRegistrationBean<>(new RequestPathMarker());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  SmartInitializingSingleton auroraCallMetrics(
      ControlPlaneMetrics controlPlaneMetrics,
      ClusterRegistry clusterRegistry,
      SchedulerDirectory schedulers) {
    return () ->
        clusterRegistry
            .all()
            .keySet()
            .forEach(
                cluster -> {
                  TopologyScheduler scheduler = schedulers.forCluster(cluster);
                  if (scheduler instanceof AuroraScheduler aurora) {
                    aurora.observeCalls(controlPlaneMetrics::recordAuroraCall);
                  }
                });
  }
}
