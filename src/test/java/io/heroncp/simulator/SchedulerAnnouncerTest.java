package io.heroncp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leader announcement in a real ZooKeeper, as Aurora's readers see it. */
class SchedulerAnnouncerTest {

  private static final String PATH = "/aurora/scheduler";
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private TestingServer zookeeper;
  private CuratorFramework curator;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    curator =
        CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    curator.start();
    curator.blockUntilConnected();
  }

  @AfterEach
  void stop() throws Exception {
    curator.close();
    zookeeper.close();
  }

  @Test
  void announcesAMemberNodeWithAurorasJsonBesideTheLockNode() throws Exception {
    try (SchedulerAnnouncer announcer = new SchedulerAnnouncer(curator, PATH, "127.0.0.1", 8081)) {
      announcer.start();

      await().atMost(TIMEOUT).until(() -> members().size() == 1);

      String member = members().get(0);
      assertThat(member).matches("member_\\d{10}");
      assertThat(announcer.memberPath()).hasValue(PATH + "/" + member);
      assertThat(new String(curator.getData().forPath(PATH + "/" + member), StandardCharsets.UTF_8))
          .isEqualTo(
              "{\"serviceEndpoint\":{\"host\":\"127.0.0.1\",\"port\":8081},"
                  + "\"additionalEndpoints\":{\"http\":{\"host\":\"127.0.0.1\",\"port\":8081}},\"status\":\"ALIVE\"}");
      assertThat(curator.checkExists().forPath(PATH + "/" + member).getEphemeralOwner())
          .isNotZero();
      List<String> others =
          curator.getChildren().forPath(PATH).stream()
              .filter(child -> !child.startsWith("member_"))
              .collect(Collectors.toList());
      assertThat(others).singleElement().asString().contains("-lock-");
    }
  }

  @Test
  void closeRemovesTheMemberNode() throws Exception {
    SchedulerAnnouncer announcer = new SchedulerAnnouncer(curator, PATH, "127.0.0.1", 8081);
    announcer.start();
    await().atMost(TIMEOUT).until(() -> members().size() == 1);

    announcer.close();

    assertThat(members()).isEmpty();
    assertThat(announcer.memberPath()).isEmpty();
    announcer.close();
  }

  @Test
  void onlyTheLeaderAnnouncesAndAStandbyTakesOverWhenItLeaves() throws Exception {
    SchedulerAnnouncer first = new SchedulerAnnouncer(curator, PATH, "127.0.0.1", 8081);
    first.start();
    await().atMost(TIMEOUT).until(() -> members().size() == 1);
    try (SchedulerAnnouncer second = new SchedulerAnnouncer(curator, PATH, "127.0.0.1", 8082)) {
      second.start();
      await().atMost(TIMEOUT).until(() -> curator.getChildren().forPath(PATH).size() == 3);
      assertThat(members()).hasSize(1);
      assertThat(second.memberPath()).isEmpty();

      first.close();

      await().atMost(TIMEOUT).until(() -> second.memberPath().isPresent() && members().size() == 1);
      assertThat(
              new String(
                  curator.getData().forPath(second.memberPath().get()), StandardCharsets.UTF_8))
          .contains("\"port\":8082");
    }
  }

  private List<String> members() throws Exception {
    if (curator.checkExists().forPath(PATH) == null) {
      return List.of();
    }
    return curator.getChildren().forPath(PATH).stream()
        .filter(child -> child.startsWith("member_"))
        .collect(Collectors.toList());
  }
}
