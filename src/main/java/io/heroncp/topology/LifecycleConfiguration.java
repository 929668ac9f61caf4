package io.heroncp.topology;

import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.RoundRobinPacking;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;

/** Wires the lifecycle: the operation runner, submit/kill, the runtime verbs and the reconciler. */
@Configuration(proxyBeanMethods = false)
class LifecycleConfiguration {

  @Bean(destroyMethod = "shutdown")
  ExecutorService backgroundOperations(OperationsProperties properties) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        properties.backgroundThreads(),
        properties.backgroundThreads(),
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(100),
        runnable -> {
          Thread thread = new Thread(runnable, "operation-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Verbs that need the topology manager wait here while a topology settles. */
  @Bean
  TopologyReadiness topologyReadiness(
      TopologyRepository topologies, OperationsProperties operations, StatusProperties status) {
    return new TopologyReadiness(
        topologies, operations.topologyManagerWait(), status.pollInterval().multipliedBy(2));
  }

  @Bean
  OperationRunner operationRunner(
      TopologyRepository topologies,
      OperationLog operations,
      TopologyLocks locks,
      OperationsProperties properties,
      ExecutorService backgroundOperations,
      ObjectProvider<OperationHooks> hooks,
      ObjectProvider<OperationRunner.OperationListener> listener,
      TopologyReadiness readiness,
      Clock clock) {
    return new OperationRunner(
        topologies,
        operations,
        locks,
        properties.lockWait(),
        backgroundOperations,
        hooks.getIfAvailable(() -> OperationHooks.NONE),
        clock,
        listener.getIfAvailable(() -> (operation, nanos) -> {}),
        readiness);
  }

  /** What becomes of records that cannot be read back: set aside, counted, topology FAILED. */
  @Bean
  Quarantine unreadableRecords(
      TopologyRepository topologies,
      Clock clock,
      ObjectProvider<UnreadableRecords.Listener> listener) {
    return new UnreadableRecords(topologies, clock, listener.getIfAvailable(() -> kind -> {}));
  }

  @Bean
  RequestBounds requestBounds(LimitsProperties limits) {
    return new RequestBounds(limits);
  }

  @Bean
  TopologyLifecycle topologyLifecycle(
      TopologyClusters clusters,
      DefinitionReader definitions,
      RoundRobinPacking packing,
      SchedulerDirectory schedulers,
      TopologyRepository store,
      TopologyPackages packages,
      SubmitJournal journal,
      ServiceZooKeeper serviceZooKeeper,
      OperationRunner runner,
      TopologyStatusWatcher statusWatcher,
      Clock clock,
      RequestBounds bounds) {
    return new TopologyLifecycle(
        clusters,
        definitions,
        packing,
        schedulers,
        store,
        packages,
        journal,
        serviceZooKeeper.connectString(),
        runner,
        statusWatcher,
        clock,
        bounds);
  }

  /** One thread per cluster, so a slow scheduler delays only its own cluster's observations. */
  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService statusPolls(TopologyClusters clusters) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newScheduledThreadPool(
        Math.max(1, clusters.names().size()),
        runnable -> {
          Thread thread = new Thread(runnable, "status-poll-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Observes every cluster's jobs from startup on; stops before its executor shuts down. */
  @Bean(destroyMethod = "close")
  TopologyStatusWatcher topologyStatusWatcher(
      TopologyRepository topologies,
      TopologyLocks locks,
      SchedulerDirectory schedulers,
      TopologyClusters clusters,
      OperationLog operations,
      TopologyManagerClient topologyManager,
      StatusProperties properties,
      ScheduledExecutorService statusPolls,
      ObjectProvider<TopologyStatusWatcher.Listener> listeners,
      Clock clock) {
    TopologyStatusWatcher watcher =
        new TopologyStatusWatcher(
            topologies,
            locks,
            schedulers,
            operations,
            topologyManager,
            clusters,
            properties,
            clock);
    listeners.orderedStream().forEach(watcher::addListener);
    watcher.start(statusPolls);
    return watcher;
  }

  /** One sending thread per open event stream (bounded by heroncp.events.max-subscribers). */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService eventDelivery() {
    AtomicInteger count = new AtomicInteger();
    return Executors.newCachedThreadPool(
        runnable -> {
          Thread thread = new Thread(runnable, "event-stream-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * The event streams' hub; a status watcher listener (tasks events) by its type. Closed before its
   * delivery threads stop.
   */
  @Bean(destroyMethod = "close")
  TopologyEventHub topologyEventHub(
      TopologyRepository topologies,
      OperationFeed operationFeed,
      EventsProperties properties,
      ExecutorService eventDelivery,
      Clock clock) {
    return new TopologyEventHub(topologies, operationFeed, properties, eventDelivery, clock);
  }

  /**
   * Ends the event streams as soon as the context starts closing: the web server's graceful
   * shutdown would otherwise wait for them (they never end by themselves); clients reconnect.
   */
  @Bean
  ApplicationListener<ContextClosedEvent> eventStreamsClosing(TopologyEventHub topologyEventHub) {
    return event -> topologyEventHub.close();
  }

  @Bean
  TopologyVerbs topologyVerbs(
      OperationRunner runner,
      TopologyClusters clusters,
      SchedulerDirectory schedulers,
      TopologyManagerClient topologyManager,
      TopologyRepository store,
      DefinitionReader definitions,
      RoundRobinPacking packing,
      OperationsProperties properties,
      RequestBounds bounds) {
    return new TopologyVerbs(
        runner,
        clusters,
        schedulers,
        topologyManager,
        store,
        definitions,
        packing,
        properties.updateTimeout(),
        bounds);
  }

  @Bean
  OperationHistory operationHistory(OperationLog operations) {
    return new OperationHistory(operations);
  }

  @Bean
  Reconciler reconciler(
      TopologyRepository topologies,
      OperationLog operations,
      TopologyLocks locks,
      SchedulerDirectory schedulers,
      TopologyManagerClient topologyManager,
      TopologyClusters clusters,
      TopologyLifecycle lifecycle,
      OperationsProperties properties,
      ObjectProvider<Reconciler.Listener> listener,
      Clock clock) {
    return new Reconciler(
        topologies,
        operations,
        locks,
        schedulers,
        topologyManager,
        clusters,
        lifecycle,
        properties.reconcileAfter(),
        properties.topologyManagerWait(),
        clock,
        listener.getIfAvailable(
            () ->
                new Reconciler.Listener() {
                  @Override
                  public void ran() {}

                  @Override
                  public void repaired(String what) {}
                }));
  }
}
