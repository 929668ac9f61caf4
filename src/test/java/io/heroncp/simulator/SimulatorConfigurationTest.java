package io.heroncp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The Spring wiring in a plain application context (no Boot test): on only when enabled, started
 * and stopped.
 */
class SimulatorConfigurationTest {

  private TestingServer zookeeper;
  private CuratorFramework curator;

  @BeforeEach
  void start() throws Exception {
    zookeeper = new TestingServer(true);
    curator =
        CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
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
      assertThat(
              new String(
                  curator.getData().forPath(announcer.memberPath().get()), StandardCharsets.UTF_8))
          .contains("\"port\":" + server.port());
    }
    assertThat(curator.getChildren().forPath("/aurora/scheduler"))
        .noneMatch(child -> child.startsWith("member_"));
  }

  @Test
  void enabledSimulatorRunsTheTopologyManagerStandInOnItsOwnPortUntilTheContextCloses()
      throws Exception {
    URI activate;
    try (AnnotationConfigApplicationContext context = context("true")) {
      TopologyManagerStandIn standIn = context.getBean(TopologyManagerStandIn.class);
      assertThat(standIn.port()).isNotEqualTo(context.getBean(SimulatorHttpServer.class).port());
      activate = URI.create("http://127.0.0.1:" + standIn.port() + "/activate");
      assertThat(SimulatorFixtures.get(activate).statusCode()).isEqualTo(400);
    }
    assertThatThrownBy(() -> SimulatorFixtures.get(activate))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void topologyManagerPortBindsFromConfigurationAndDefaultsToAFreePort() {
    SimulatorProperties configured =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of("heroncp.simulator.topology-manager-port", "18099")))
            .bind("heroncp.simulator", SimulatorProperties.class)
            .get();
    SimulatorProperties defaulted =
        new Binder(new MapConfigurationPropertySource(Map.of("heroncp.simulator.enabled", "true")))
            .bind("heroncp.simulator", SimulatorProperties.class)
            .get();

    assertThat(configured.topologyManagerPort()).isEqualTo(18099);
    assertThat(defaulted.topologyManagerPort()).isZero();
    assertThat(defaulted.port()).isEqualTo(8081);
  }

  @Test
  void disabledSimulatorDeclaresNoBeans() {
    try (AnnotationConfigApplicationContext context = context("false")) {
      assertThat(context.getBeanNamesForType(AuroraSimulator.class)).isEmpty();
      assertThat(context.getBeanNamesForType(SimulatorHttpServer.class)).isEmpty();
      assertThat(context.getBeanNamesForType(TopologyManagerStandIn.class)).isEmpty();
    }
  }

  private AnnotationConfigApplicationContext context(String enabled) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(new MapPropertySource("test", Map.of("heroncp.simulator.enabled", enabled)));
    context.registerBean(SimulatorProperties.class, SimulatorFixtures::properties);
    context.registerBean(
        CuratorFramework.class, () -> curator, definition -> definition.setDestroyMethodName(""));
    context.register(SimulatorConfiguration.class);
    context.refresh();
    return context;
  }
}
