package io.heroncp.heron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeronPathsTest {

  private final HeronPaths paths = new HeronPaths("/heron/");

  @Test
  void namesEveryNodeLikeHeron() {
    assertThat(paths.root()).isEqualTo("/heron");
    assertThat(paths.topology("wc")).isEqualTo("/heron/topologies/wc");
    assertThat(paths.packingPlan("wc")).isEqualTo("/heron/packingplans/wc");
    assertThat(paths.executionState("wc")).isEqualTo("/heron/executionstate/wc");
    assertThat(paths.schedulerLocation("wc")).isEqualTo("/heron/schedulers/wc");
    assertThat(paths.tmanagerLocation("wc")).isEqualTo("/heron/tmanagers/wc");
    assertThat(paths.metricsCacheLocation("wc")).isEqualTo("/heron/metricscaches/wc");
    assertThat(paths.physicalPlan("wc")).isEqualTo("/heron/pplans/wc");
    assertThat(paths.statefulCheckpoints("wc")).isEqualTo("/heron/statefulcheckpoints/wc");
    assertThat(paths.updateLock("wc")).isEqualTo("/heron/locks/wc__updateTopology");
  }

  @Test
  void killRemovesTopologyNodeLastAndKeepsCheckpoints() {
    assertThat(paths.killCleanupOrder("wc"))
        .containsExactly(
            "/heron/tmanagers/wc",
            "/heron/metricscaches/wc",
            "/heron/packingplans/wc",
            "/heron/pplans/wc",
            "/heron/schedulers/wc",
            "/heron/locks/wc__updateTopology",
            "/heron/executionstate/wc",
            "/heron/topologies/wc");
  }

  @Test
  void listsTreeDirectoriesAndAcceptsRootSlash() {
    assertThat(paths.directories()).hasSize(9).contains("/heron/pplans", "/heron/locks");
    assertThat(new HeronPaths("/").topology("wc")).isEqualTo("/topologies/wc");
    assertThatThrownBy(() -> new HeronPaths("heron")).isInstanceOf(IllegalArgumentException.class);
  }
}
