package io.heroncp.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The production classes (target/classes) keep the package rules. */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importProductionClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.heroncp");
  }

  @Test
  void packagesFormNoCycles() {
    ArchitectureRules.NO_CYCLES.check(classes);
  }

  @Test
  void theCoreNamesNoAdapter() {
    ArchitectureRules.CORE_NAMES_NO_ADAPTER.check(classes);
  }

  @Test
  void heronsDomainIsPure() {
    ArchitectureRules.HERON_DOMAIN_IS_PURE.check(classes);
  }

  @Test
  void controllersNameNoAdapter() {
    ArchitectureRules.API_NAMES_NO_ADAPTER.check(classes);
  }

  @Test
  void nothingImportsTheSimulator() {
    ArchitectureRules.NOTHING_IMPORTS_SIMULATOR.check(classes);
  }

  @Test
  void generatedThriftOnlyBehindAurora() {
    ArchitectureRules.THRIFT_ONLY_IN_AURORA.check(classes);
  }
}
