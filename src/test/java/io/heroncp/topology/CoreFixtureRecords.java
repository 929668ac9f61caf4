package io.heroncp.topology;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small topology records for tests of pure core rules. */
final class CoreFixtureRecords {

  static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  private CoreFixtureRecords() {}

  /** A one-container topology in {@code state}, settling to {@code settlesTo} (or null). */
  static TopologyRecord record(TopologyState state, TopologyState settlesTo) {
    return new TopologyRecord(
        new TopologyKey("local", "alice", "devel", "t"),
        "t-id",
        state,
        false,
        "alice",
        T0,
        T0,
        List.of(new TopologyRecord.ComponentSummary("spout", "SPOUT", 1)),
        new TopologyRecord.PackingSummary("t-id", 1, 1, 2, 1.0, 1L << 30, 1L << 30),
        "local/alice/devel/t",
        null,
        "t.jar",
        Map.of(),
        "op-1",
        null,
        List.of(),
        settlesTo,
        0);
  }
}
