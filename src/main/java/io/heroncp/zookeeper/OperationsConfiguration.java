package io.heroncp.zookeeper;

import io.heroncp.topology.OperationsProperties;
import io.heroncp.topology.Quarantine;
import io.heroncp.topology.Reconciler;
import io.heroncp.topology.ServiceZooKeeper;
import io.heroncp.topology.SubmitJournal;
import io.heroncp.topology.TopologyLocks;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operation store, the topology locks and the leader-only task runner. None of them does
 * anything at startup: the leader election is joined on the first {@link LeaderOnlyTasks#start}.
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfiguration {

  @Bean
  OperationStore operationStore(
      CuratorFramework client,
      ZooKeeperProperties zookeeper,
      OperationsProperties operations,
      JsonMapper jsonMapper,
      Clock clock,
      ObjectProvider<Quarantine> quarantine) {
    OperationStore store =
        new OperationStore(client, zookeeper, jsonMapper, clock, operations.idempotencyTtl());
    quarantine.ifAvailable(store::setQuarantine);
    return store;
  }

  /** A submit's intent and launch, each one transaction over records and operations. */
  @Bean
  SubmitJournal submitJournal(
      CuratorFramework client,
      TopologyStore topologyStore,
      OperationStore operationStore,
      ZooKeeperProperties zookeeper) {
    return new ZooKeeperSubmitJournal(client, topologyStore, operationStore, zookeeper);
  }

  /** The topology cache reports unreadable records too (once every bean exists: no cycle). */
  @Bean
  org.springframework.beans.factory.SmartInitializingSingleton topologyQuarantine(
      ObjectProvider<TopologyStore> topologies, ObjectProvider<Quarantine> quarantine) {
    return () ->
        quarantine.ifAvailable(q -> topologies.ifAvailable(store -> store.setQuarantine(q)));
  }

  /** Operations started and ended on any replica, for the event streams. */
  @Bean(initMethod = "start", destroyMethod = "close")
  ZooKeeperOperationFeed operationFeed(
      CuratorFramework client, ZooKeeperProperties zookeeper, OperationStore operationStore) {
    return new ZooKeeperOperationFeed(client, zookeeper, operationStore);
  }

  @Bean
  TopologyLocks topologyLocks(
      CuratorFramework client, ZooKeeperProperties zookeeper, OperationsProperties operations) {
    return new ZooKeeperTopologyLocks(client, zookeeper, operations.lockRetryAfter());
  }

  @Bean(destroyMethod = "close")
  LeaderOnlyTasks leaderOnlyTasks(
      CuratorFramework client, ZooKeeperProperties zookeeper, OperationsProperties operations) {
    String id = operations.participantId();
    if (id == null || id.isBlank()) {
      id = hostName() + ":" + ProcessHandle.current().pid();
    }
    return new LeaderOnlyTasks(client, zookeeper, id);
  }

  @Bean
  ServiceZooKeeper serviceZooKeeper(CuratorFramework client) {
    return () -> client.getZookeeperClient().getCurrentConnectionString();
  }

  /**
   * The reconciler, the idempotency-key cleanup and the history pruning run on the elected leader
   * once the service is ready.
   */
  @Bean
  ApplicationListener<ApplicationReadyEvent> leaderTasksStarter(
      LeaderOnlyTasks leaderTasks,
      Reconciler reconciler,
      OperationStore operations,
      OperationsProperties properties) {
    return event -> {
      leaderTasks.start(reconciler::reconcileOnce, properties.reconcileInterval());
      leaderTasks.start(operations::removeExpiredIdempotencyEntries, Duration.ofHours(1));
      leaderTasks.start(
          () -> operations.pruneHistory(properties.historyLimit()), Duration.ofHours(1));
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
