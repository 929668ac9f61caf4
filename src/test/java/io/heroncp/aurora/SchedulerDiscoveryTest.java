package io.heroncp.aurora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.problems.DependencyUnavailableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchedulerDiscoveryTest {

  private static final String PATH = "/aurora/scheduler";

  private TestingServer zookeeper;
  private CuratorFramework curator;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer();
    curator =
        CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    curator.start();
    curator.blockUntilConnected();
    // Aurora's leader election (Curator LeaderSelector) keeps its lock nodes beside the serverset
    // members.
    curator
        .create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath(
            PATH + "/_c_2f6e1c1a-7b7d-4c3e-8d0f-1a2b3c4d5e6f-lock-",
            "10.0.0.9".getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() throws Exception {
    curator.close();
    zookeeper.close();
  }

  private void announce(String json) throws Exception {
    curator
        .create()
        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath(PATH + "/member_", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void memberNodeGivesTheLeaderIgnoringLockNodes() throws Exception {
    announce(
        "{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":8081},"
            + "\"additionalEndpoints\":{\"http\":{\"host\":\"127.0.0.1\",\"port\":8081}},\"status\":\"ALIVE\"}");
    SchedulerLocator locator =
        new ZooKeeperSchedulerLocator(curator, zookeeper.getConnectString(), PATH);

    assertThat(locator.locate()).isEqualTo(URI.create("http://127.0.0.1:8081"));
    assertThat(locator.description()).isEqualTo("zookeeper " + zookeeper.getConnectString() + PATH);
  }

  @Test
  void aLeaderChangeIsFollowedThroughTheWatchWithoutReadingZooKeeperOnEveryCall() throws Exception {
    announce(
        "{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":8081},"
            + "\"additionalEndpoints\":{\"http\":{\"host\":\"127.0.0.1\",\"port\":8081}},\"status\":\"ALIVE\"}");
    SchedulerLocator locator =
        new ZooKeeperSchedulerLocator(curator, zookeeper.getConnectString(), PATH);
    assertThat(locator.locate()).isEqualTo(URI.create("http://127.0.0.1:8081"));

    // The leader fails over: its member node goes, the new leader announces itself.
    for (String child : curator.getChildren().forPath(PATH)) {
      if (child.startsWith("member_")) {
        curator.delete().forPath(PATH + "/" + child);
      }
    }
    announce(
        "{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":9091},"
            + "\"additionalEndpoints\":{\"http\":{\"host\":\"127.0.0.1\",\"port\":9091}},\"status\":\"ALIVE\"}");

    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(() -> locator.locate().equals(URI.create("http://127.0.0.1:9091")));
    locator.close();
  }

  @Test
  void aLeaderThatAnnouncedItselfAgainBeforeItsOldSessionExpiredIsFoundByItsNewestNode()
      throws Exception {
    // The old session's node (not yet expired by the server) and the new session's node.
    announce(
        "{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":8081},"
            + "\"additionalEndpoints\":{\"http\":{\"host\":\"127.0.0.1\",\"port\":8081}},\"status\":\"ALIVE\"}");
    announce(
        "{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":9091},"
            + "\"additionalEndpoints\":{\"http\":{\"host\":\"127.0.0.1\",\"port\":9091}},\"status\":\"ALIVE\"}");

    assertThat(new ZooKeeperSchedulerLocator(curator, zookeeper.getConnectString(), PATH).locate())
        .isEqualTo(URI.create("http://127.0.0.1:9091"));
  }

  @Test
  void httpsEndpointIsPreferred() throws Exception {
    announce(
        "{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":8081},\"additionalEndpoints\":{"
            + "\"http\":{\"host\":\"127.0.0.1\",\"port\":8081},\"https\":{\"host\":\"127.0.0.1\",\"port\":8443}},"
            + "\"status\":\"ALIVE\"}");

    assertThat(new ZooKeeperSchedulerLocator(curator, zookeeper.getConnectString(), PATH).locate())
        .isEqualTo(URI.create("https://127.0.0.1:8443"));
  }

  @Test
  void serviceEndpointIsTheFallback() throws Exception {
    announce("{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":8082},\"status\":\"ALIVE\"}");

    assertThat(new ZooKeeperSchedulerLocator(curator, zookeeper.getConnectString(), PATH).locate())
        .isEqualTo(URI.create("http://127.0.0.1:8082"));
  }

  @Test
  void noMemberIsUnavailable() {
    SchedulerLocator locator =
        new ZooKeeperSchedulerLocator(curator, zookeeper.getConnectString(), PATH);

    assertThatThrownBy(locator::locate)
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("no Aurora scheduler leader is announced");
  }

  @Test
  void missingServersetPathIsUnavailable() {
    SchedulerLocator locator =
        new ZooKeeperSchedulerLocator(curator, zookeeper.getConnectString(), "/nowhere");

    assertThatThrownBy(locator::locate).isInstanceOf(DependencyUnavailableException.class);
  }

  @Test
  void ownClientIsUsedForAnotherEnsembleAndClosedWithTheLocator() throws Exception {
    announce(
        "{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":8081},\"additionalEndpoints\":{},"
            + "\"status\":\"ALIVE\"}");
    SchedulerDiscovery discovery = SchedulerDiscovery.zookeeper(zookeeper.getConnectString(), PATH);

    try (SchedulerLocator own = discovery.locator(curator, "other:2181", Duration.ofSeconds(5))) {
      assertThat(own.locate()).isEqualTo(URI.create("http://127.0.0.1:8081"));
    }
    SchedulerLocator shared =
        discovery.locator(curator, zookeeper.getConnectString(), Duration.ofSeconds(5));
    shared.close();
    // The service's client stays usable after a locator that borrowed it is closed.
    assertThat(shared.locate()).isEqualTo(URI.create("http://127.0.0.1:8081"));
  }

  @Test
  void clustersJsonEntriesBecomeDiscovery() {
    Map<String, AuroraClustersFile.Entry> entries =
        AuroraClustersFile.parse(
            """
        [{"name": "devcluster", "zk": "192.168.33.7", "scheduler_zk_path": "/aurora/scheduler",
          "auth_mechanism": "UNAUTHENTICATED", "slave_root": "/var/lib/mesos", "slave_run_directory": "latest"},
         {"name": "local", "scheduler_uri": "http://localhost:55555"},
         {"name": "multi", "zk": "zk1,zk2:2182", "zk_port": 2281}]
        """);

    assertThat(entries).containsOnlyKeys("devcluster", "local", "multi");
    assertThat(entries.get("devcluster").discovery())
        .isEqualTo(SchedulerDiscovery.zookeeper("192.168.33.7:2181", "/aurora/scheduler"));
    assertThat(entries.get("local").discovery())
        .isEqualTo(SchedulerDiscovery.staticUrl(URI.create("http://localhost:55555")));
    assertThat(entries.get("multi").connectString()).isEqualTo("zk1:2281,zk2:2182");
    assertThat(entries.get("devcluster").authMechanism()).isEqualTo("UNAUTHENTICATED");
  }
}
