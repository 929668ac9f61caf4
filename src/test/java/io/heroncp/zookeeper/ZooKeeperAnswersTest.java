package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** The service's client reads a listing larger than ZooKeeper's default 1 MB answer. */
class ZooKeeperAnswersTest {

  @Test
  void theServicesClientListsADirectoryWhoseListingIsLargerThanOneMegabyte() throws Exception {
    try (TestingServer server = new TestingServer(true)) {
      ZooKeeperProperties properties =
          TestZooKeeperProperties.of(
              server.getConnectString(),
              Duration.ofSeconds(30),
              Duration.ofSeconds(10),
              Duration.ofSeconds(10));
      try (CuratorFramework client =
          ZooKeeperConfiguration.clientBuilder(properties, server.getConnectString()).build()) {
        client.start();
        client.blockUntilConnected();
        client.create().creatingParentsIfNeeded().forPath("/cp/idempotency");
        // 18,000 names of 64 hex digits (as idempotency entries are named): ~1.2 MB listed.
        int children = 18_000;
        for (int from = 0; from < children; from += 1_000) {
          List<CuratorOp> ops = new ArrayList<>();
          for (int i = from; i < from + 1_000; i++) {
            ops.add(
                client
                    .transactionOp()
                    .create()
                    .forPath("/cp/idempotency/" + String.format("%064x", i)));
          }
          client.transaction().forOperations(ops);
        }

        List<String> listed = client.getChildren().forPath("/cp/idempotency");

        assertThat(listed).hasSize(children);
        assertThat(listed.stream().mapToInt(name -> name.length() + 4).sum())
            .isGreaterThan(1024 * 1024);
      }
    }
  }
}
