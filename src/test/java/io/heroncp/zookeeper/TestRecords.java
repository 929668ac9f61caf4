package io.heroncp.zookeeper;

import io.heroncp.heron.HeronPaths;
import io.heroncp.heron.HeronStateNodes;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Topology records and Heron state nodes of the store tests: topologies {@code c1/alice/devel/
 * <name>} with one spout, Heron's root {@code /heron}.
 */
final class TestRecords {

  private TestRecords() {}

  static TopologyKey key(String name) {
    return new TopologyKey("c1", "alice", "devel", name);
  }

  /** A record of {@code name} in {@code state}, submitted and updated at {@code at}. */
  static TopologyRecord record(String name, TopologyState state, Instant at, String operationId) {
    return new TopologyRecord(
        key(name),
        name + "-id",
        state,
        false,
        "alice",
        at,
        at,
        List.of(new TopologyRecord.ComponentSummary("spout", "SPOUT", 1)),
        new TopologyRecord.PackingSummary(name + "-id", 1, 1, 2, 2.0, 1L << 30, 1L << 30),
        "c1/alice/devel/" + name,
        new TopologyRecord.PackageRef(
            "ab".repeat(32),
            "topology.tar.gz",
            10,
            URI.create("http://127.0.0.1/api/v1/packages/x/topology.tar.gz")),
        "topology.jar",
        Map.of(),
        operationId,
        null,
        List.of(),
        null,
        0);
  }

  /** Heron's three submit nodes of {@code name} under {@code /heron}. */
  static HeronStateNodes heron(String name) {
    return new HeronStateNodes(
        new HeronPaths("/heron"), name, bytes("topology"), bytes("packing"), bytes("execution"));
  }

  /** UTF-8 bytes of {@code s}. */
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
