package io.heroncp.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.heroncp.topology.ArchitectureFixtureCore;
import io.heroncp.zookeeper.ArchitectureFixtureAdapter;
import org.junit.jupiter.api.Test;

/**
 * The rules catch a violation: test fixtures where the core names an adapter and the two form a
 * cycle.
 */
class ArchitectureRulesFailTest {

  private final JavaClasses bad =
      new ClassFileImporter()
          .importClasses(ArchitectureFixtureCore.class, ArchitectureFixtureAdapter.class);

  @Test
  void aCoreClassNamingAZooKeeperClassFailsTheCoreRule() {
    assertThatThrownBy(() -> ArchitectureRules.CORE_NAMES_NO_ADAPTER.check(bad))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ArchitectureFixtureCore")
        .hasMessageContaining("io.heroncp.zookeeper.ArchitectureFixtureAdapter");
  }

  @Test
  void aCoreAndAnAdapterNamingEachOtherFailTheCycleRule() {
    assertThatThrownBy(() -> ArchitectureRules.NO_CYCLES.check(bad))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected")
        .hasMessageContaining("topology")
        .hasMessageContaining("zookeeper");
  }
}
