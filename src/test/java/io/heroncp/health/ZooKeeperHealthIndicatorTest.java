package io.heroncp.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.zookeeper.TopologyStore;
import io.heroncp.zookeeper.ZooKeeperProperties;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import tools.jackson.databind.json.JsonMapper;

class ZooKeeperHealthIndicatorTest {

  @Test
  void upWithTheSessionIdWhileConnectedAndDownOnceTheServerIsGone() throws Exception {
    try (TestingServer server = new TestingServer(true);
        CuratorFramework client =
            CuratorFrameworkFactory.builder()
                .connectString(server.getConnectString())
                .sessionTimeoutMs(5_000)
                .connectionTimeoutMs(1_000)
                .retryPolicy(new RetryOneTime(100))
                .build()) {
      client.start();
      client.blockUntilConnected();
      TopologyStore records = store(client, server);
      ZooKeeperHealthIndicator indicator = new ZooKeeperHealthIndicator(client, records);

      // Connected, but the records are not in memory yet: not ready to serve complete reads.
      Health loading = indicator.health();
      assertThat(loading.getStatus()).isEqualTo(Status.DOWN);
      assertThat(loading.getDetails())
          .containsEntry("connected", true)
          .containsEntry("records_loaded", false)
          .containsKey("reason");

      records.start();
      Health up = indicator.health();
      assertThat(up.getStatus()).isEqualTo(Status.UP);
      assertThat(up.getDetails())
          .containsEntry("connected", true)
          .containsEntry("records_loaded", true)
          .containsEntry("connect_string", server.getConnectString())
          .containsEntry(
              "session_id",
              "0x" + Long.toHexString(client.getZookeeperClient().getZooKeeper().getSessionId()));

      server.stop();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                Health down = indicator.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails())
                    .containsEntry("connected", false)
                    .containsKey("reason")
                    .doesNotContainKey("session_id");
              });
      records.close();
    }
  }

  private static TopologyStore store(CuratorFramework client, TestingServer server) {
    return new TopologyStore(
        client,
        new ZooKeeperProperties(
            server.getConnectString(),
            "/cp",
            Duration.ofSeconds(5),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            null,
            new ZooKeeperProperties.Embedded(false, 0, Path.of("unused")),
            ZooKeeperProperties.Tls.OFF),
        JsonMapper.builder().build());
  }

  @Test
  void downWhenTheClientWasNeverStarted() throws Exception {
    try (TestingServer server = new TestingServer(true);
        CuratorFramework client =
            CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
      Health health = new ZooKeeperHealthIndicator(client, store(client, server)).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails())
          .containsEntry("state", "LATENT")
          .containsEntry("reason", "the ZooKeeper client is not started");
    }
  }
}
