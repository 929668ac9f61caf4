package io.heroncp.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/** The package rules of the service: ports and adapters, arrows pointing inward, no cycles. */
final class ArchitectureRules {

  /** Adapters and outer layers; the core names none of them. */
  static final String[] ADAPTERS = {
    "io.heroncp.zookeeper..",
    "io.heroncp.aurora..",
    "io.heroncp.tmanager..",
    "io.heroncp.packages..",
    "io.heroncp.cluster..",
    "io.heroncp.simulator..",
    "io.heroncp.api..",
    "io.heroncp.security..",
    "io.heroncp.metrics..",
    "io.heroncp.health.."
  };

  private ArchitectureRules() {}

  static final ArchRule NO_CYCLES = slices().matching("io.heroncp.(*)..").should().beFreeOfCycles();

  static final ArchRule CORE_NAMES_NO_ADAPTER =
      noClasses()
          .that()
          .resideInAPackage("io.heroncp.topology..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ADAPTERS)
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.curator..", "org.apache.zookeeper..", "org.apache.thrift..")
          .because("the core owns its ports; adapters implement them");

  static final ArchRule HERON_DOMAIN_IS_PURE =
      noClasses()
          .that()
          .resideInAPackage("io.heroncp.heron..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ADAPTERS)
          .orShould()
          .dependOnClassesThat()
          .resideInAPackage("io.heroncp.topology..")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.curator..", "org.apache.zookeeper..", "java.net.http..")
          .because("heron holds Heron's domain (definitions, packing, state encoding) without I/O");

  /**
   * Controllers reach the application services of the core; cluster settings are read-only
   * configuration.
   */
  static final ArchRule API_NAMES_NO_ADAPTER =
      noClasses()
          .that()
          .resideInAPackage("io.heroncp.api..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.heroncp.zookeeper..",
              "io.heroncp.aurora..",
              "io.heroncp.tmanager..",
              "io.heroncp.packages..",
              "io.heroncp.simulator..",
              "io.heroncp.metrics..",
              "io.heroncp.health..",
              "org.apache.curator..",
              "org.apache.zookeeper..",
              "org.apache.thrift..");

  static final ArchRule NOTHING_IMPORTS_SIMULATOR =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.heroncp.simulator..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.heroncp.simulator..")
          .because(
              "the simulator wires itself (component scanning, conditional on heroncp.simulator.enabled)");

  static final ArchRule THRIFT_ONLY_IN_AURORA =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.heroncp.aurora..", "io.heroncp.simulator..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.heroncp.aurora.thrift..")
          .because(
              "generated Thrift types stay behind the aurora adapter (the simulator serves Aurora's API)");
}
