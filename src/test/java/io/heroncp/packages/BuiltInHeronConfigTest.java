package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BuiltInHeronConfigTest {

  @Test
  void indexListsExactlyTheFilesInTheResourceDirectory() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/heron-conf"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(BuiltInHeronConfig.FILES).containsExactlyElementsOf(names);
    }
  }

  @Test
  void everyFileIsAYamlMappingReadableFromTheClasspath() {
    for (String name : BuiltInHeronConfig.FILES) {
      assertThat(TopologyPackageBuilderTest.yaml(BuiltInHeronConfig.read(name)))
          .as(name)
          .isNotEmpty();
    }
  }

  @Test
  void configRunsHeronOnAuroraWithStateInZooKeeper() {
    assertThat(yaml("statemgr.yaml"))
        .contains(
            entry(
                "heron.class.state.manager",
                "org.apache.heron.statemgr.zookeeper.curator.CuratorStateManager"))
        .containsKeys("heron.statemgr.connection.string", "heron.statemgr.root.path");
    assertThat(yaml("scheduler.yaml"))
        .contains(
            entry("heron.class.scheduler", "org.apache.heron.scheduler.aurora.AuroraScheduler"))
        .contains(entry("heron.class.launcher", "org.apache.heron.scheduler.aurora.AuroraLauncher"))
        .contains(entry("heron.scheduler.is.service", false));
    assertThat(yaml("packing.yaml"))
        .contains(
            entry(
                "heron.class.packing.algorithm",
                "org.apache.heron.packing.roundrobin.RoundRobinPacking"));
    assertThat(yaml("uploader.yaml"))
        .contains(entry("heron.class.uploader", "org.apache.heron.uploader.NullUploader"));
    assertThat(yaml("heron_internals.yaml"))
        .containsKeys(
            "heron.tmanager.stmgr.state.timeout.sec",
            "heron.streammgr.cache.drain.frequency.ms",
            "heron.instance.tuning.interval.ms",
            "heron.metricsmgr.network.options.maximum.packetsize.bytes")
        .hasSize(75);
    assertThat(yaml("metrics_sinks.yaml"))
        .containsKeys("sinks", "file-sink", "tmanager-sink", "metricscache-sink");
  }

  @Test
  void unknownFileIsRefused() {
    assertThatThrownBy(() -> BuiltInHeronConfig.read("../application.yaml"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Map<String, Object> yaml(String name) {
    return TopologyPackageBuilderTest.yaml(BuiltInHeronConfig.read(name));
  }
}
