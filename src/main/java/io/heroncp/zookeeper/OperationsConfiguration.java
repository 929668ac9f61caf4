package io.heroncp.zookeeper;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operation store, the topology locks and the leader-only task runner. None of them does anything at
 * startup: the leader election is joined on the first {@link LeaderOnlyTasks#start}.
 */
@Configuration(proxyBeanMethods = false)
class OperationsConfiguration {

  @Bean
  OperationStore operationStore(CuratorFramework client, ZooKeeperProperties zookeeper, OperationsProperties operations,
      JsonMapper jsonMapper, Clock clock) {
    return new OperationStore(client, zookeeper, jsonMapper, clock, operations.idempotencyTtl());
  }

  @Bean
  TopologyLocks topologyLocks(CuratorFramework client, ZooKeeperProperties zookeeper, OperationsProperties operations) {
    return new TopologyLocks(client, zookeeper, operations.lockRetryAfter());
  }

  @Bean(destroyMethod = "close")
  LeaderOnlyTasks leaderOnlyTasks(CuratorFramework client, ZooKeeperProperties zookeeper,
      OperationsProperties operations) {
    String id = operations.participantId();
    if (id == null || id.isBlank()) {
      id = hostName() + ":" + ProcessHandle.current().pid();
    }
    return new LeaderOnlyTasks(client, zookeeper, id);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
