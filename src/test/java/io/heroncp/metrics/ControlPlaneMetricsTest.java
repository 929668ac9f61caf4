package io.heroncp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.packages.FileSystemPackageStore;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ControlPlaneMetrics metrics = new ControlPlaneMetrics(registry);

  @TempDir Path directory;

  @Test
  void operationTimerTagsTheOutcomeAndTheProblemTypeOfAFailure() {
    metrics.recordOperation("submit", "east", "succeeded", null, Duration.ofMillis(40));
    metrics.recordOperation(
        "submit", "east", "rolled_back", "dependency-unavailable", Duration.ofMillis(7));
    metrics.recordOperation("kill", "east", "failed", "dependency-failed", Duration.ofMillis(9));

    assertThat(
            registry
                .get("heroncp.operations")
                .tags(
                    "verb", "submit", "cluster", "east", "outcome", "succeeded", "problem", "none")
                .timer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(40);
    assertThat(
            registry
                .get("heroncp.operations")
                .tags(
                    "verb", "submit", "outcome", "rolled_back", "problem", "dependency-unavailable")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("heroncp.operations")
                .tags("verb", "kill", "outcome", "failed", "problem", "dependency-failed")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void auroraAndZooKeeperTimersRecordWithTheirTags() {
    metrics.recordAuroraCall("east", "createJob", "OK", Duration.ofMillis(12).toNanos());
    metrics.recordAuroraCall(
        "east", "createJob", "INVALID_REQUEST", Duration.ofMillis(3).toNanos());
    metrics.recordZooKeeper("GetDataBuilderImpl-Foreground", "request", Duration.ofMillis(2));

    assertThat(
            registry
                .get("heroncp.aurora.calls")
                .tags("cluster", "east", "method", "createJob", "response_code", "OK")
                .timer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(12);
    assertThat(
            registry
                .get("heroncp.aurora.calls")
                .tags("response_code", "INVALID_REQUEST")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("heroncp.zookeeper.operations")
                .tags("kind", "GetDataBuilderImpl-Foreground", "context", "request")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void reconcilerCountersOnlyGrow() {
    metrics.countReconcilerRun();
    metrics.countReconcilerRun();
    metrics.countReconcilerRepairs(3);
    metrics.countReconcilerRepairs(0);

    assertThat(registry.get("heroncp.reconciler.runs").counter().count()).isEqualTo(2);
    assertThat(registry.get("heroncp.reconciler.repairs").counter().count()).isEqualTo(3);
  }

  @Test
  void topologyGaugesCountRecordsByClusterAndStateForEveryConfiguredCluster() {
    List<TopologyRecord> records =
        new ArrayList<>(
            List.of(
                record("east", "a", TopologyState.RUNNING),
                    record("east", "b", TopologyState.RUNNING),
                record("east", "c", TopologyState.PAUSED),
                    record("west", "d", TopologyState.SUBMITTING)));
    AtomicInteger listings = new AtomicInteger();
    metrics.registerGauges(
        Set.of("east", "west"),
        () -> {
          listings.incrementAndGet();
          return List.copyOf(records);
        },
        new FileSystemPackageStore(directory),
        Duration.ZERO);

    assertThat(gauge("east", "RUNNING")).isEqualTo(2);
    assertThat(gauge("east", "PAUSED")).isEqualTo(1);
    assertThat(gauge("west", "SUBMITTING")).isEqualTo(1);
    assertThat(gauge("west", "RUNNING")).isZero();
    assertThat(registry.get("heroncp.topologies").gauges())
        .hasSize(2 * TopologyState.values().length);

    records.add(record("west", "e", TopologyState.RUNNING));
    assertThat(gauge("west", "RUNNING")).isEqualTo(1);
    assertThat(listings.get()).isPositive();
  }

  @Test
  void gaugesReadNaNWhenTheirSourceFails() {
    metrics.registerGauges(
        Set.of("east"),
        () -> {
          throw new IllegalStateException("ZooKeeper is down");
        },
        new FileSystemPackageStore(directory),
        Duration.ZERO);

    assertThat(gauge("east", "RUNNING")).isNaN();
  }

  @Test
  void packageGaugesFollowTheStore() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    metrics.registerGauges(Set.of(), List::of, store, Duration.ZERO);
    assertThat(registry.get("heroncp.packages.stored").gauge().value()).isZero();

    store.store(new ByteArrayInputStream(new byte[100]), "topology.tar.gz", 1_000);

    assertThat(registry.get("heroncp.packages.stored").gauge().value()).isEqualTo(1);
    assertThat(registry.get("heroncp.packages.size").gauge().value()).isEqualTo(100);
    assertThat(registry.get("heroncp.packages.free").gauge().value()).isPositive();
  }

  @Test
  void refreshingValueReusesAReadingUntilItIsOlderThanMaxAge() {
    AtomicLong clock = new AtomicLong();
    AtomicInteger computed = new AtomicInteger();
    RefreshingValue<Integer> value =
        new RefreshingValue<>(computed::incrementAndGet, Duration.ofNanos(10), clock::get);

    assertThat(value.get()).isEqualTo(1);
    clock.set(9);
    assertThat(value.get()).isEqualTo(1);
    clock.set(10);
    assertThat(value.get()).isEqualTo(2);
  }

  private double gauge(String cluster, String state) {
    return registry
        .get("heroncp.topologies")
        .tags("cluster", cluster, "state", state)
        .gauge()
        .value();
  }

  private static TopologyRecord record(String cluster, String name, TopologyState state) {
    Instant now = Instant.parse("2026-11-26T12:00:00Z");
    return new TopologyRecord(
        new TopologyKey(cluster, "alice", "devel", name),
        name + "-id",
        state,
        false,
        "alice",
        now,
        now,
        List.of(),
        null,
        cluster + "/alice/devel/" + name,
        null,
        "topology.jar",
        java.util.Map.of(),
        "op",
        null,
        List.of(),
        null,
        0);
  }
}
