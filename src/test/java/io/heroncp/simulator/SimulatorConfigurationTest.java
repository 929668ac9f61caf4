package io.heroncp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** The Spring wiring in a plain application context (no Boot test): on only when enabled, started and stopped. */
class SimulatorConfigurationTest {

  private TestingServer zookeeper;
  private CuratorFramework curator;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
    curator.start();
  }

  @AfterEach
  void stop() throws Exception {
    curator.close();
    zookeeper.close();
  }

  @Test
  void enabledSimulatorServesHttpAndAnnouncesItsBoundPortUntilTheContextCloses() throws Exception {
    URI api;
    try (AnnotationConfigApplicationContext context = context("true")) {
      SimulatorHttpServer server = context.getBean(SimulatorHttpServer.class);
      api = server.apiEndpoint();
      assertThat(SimulatorFixtures.get(api.resolve("/health")).statusCode()).isEqualTo(200);
      SchedulerAnnouncer announcer = context.getBean(SchedulerAnnouncer.class);
      await().atMost(Duration.ofSeconds(15)).until(() -> announcer.memberPath().isPresent());
      assertThat(new String(curator.getData().forPath(announcer.memberPath().get()), StandardCharsets.UTF_8))
          .contains("\"port\":" + server.port());
    }
    assertThat(curator.getChildren().forPath("/aurora/scheduler")).noneMatch(child -> child.startsWith("member_"));
  }

  @Test
  void disabledSimulatorDeclaresNoBeans() {
    try (AnnotationConfigApplicationContext context = context("false")) {
      assertThat(context.getBeanNamesForType(AuroraSimulator.class)).isEmpty();
      assertThat(context.getBeanNamesForType(SimulatorHttpServer.class)).isEmpty();
    }
  }

  private AnnotationConfigApplicationContext context(String enabled) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.getEnvironment().getPropertySources()
        .addFirst(new MapPropertySource("test", Map.of("heroncp.simulator.enabled", enabled)));
    context.registerBean(SimulatorProperties.class, SimulatorFixtures::properties);
    context.registerBean(CuratorFramework.class, () -> curator, definition -> definition.setDestroyMethodName(""));
    context.register(SimulatorConfiguration.class);
    context.refresh();
    return context;
  }
}
