package io.heroncp.topology;

import static io.heroncp.topology.CoreFixture.CLUSTER;
import static io.heroncp.topology.CoreFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.problems.DependencyUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status watcher over the in-memory core: batching, observations in memory, refresh's rate
 * limit, and the verdict on vanished jobs (moved here from the reconciler).
 */
class TopologyStatusWatcherTest {

  private final CoreFixture core = new CoreFixture();
  private final List<String> events = new ArrayList<>();

  @AfterEach
  void close() {
    core.close();
  }

  private TopologyStatusWatcher watcher(int batchSize) {
    TopologyStatusWatcher watcher =
        new TopologyStatusWatcher(
            core.topologies,
            core.locks,
            cluster -> core.scheduler,
            core.operations,
            core.topologyManager,
            core.clusters,
            new StatusProperties(CoreFixture.POLL_INTERVAL, batchSize, CoreFixture.DEGRADED_AFTER),
            core.clock);
    watcher.addListener(
        new TopologyStatusWatcher.Listener() {
          @Override
          public void statusCall(String cluster, String trigger) {
            events.add(trigger + " " + cluster);
          }

          @Override
          public void tasksChanged(
              TopologyKey key, ObservedStatus previous, ObservedStatus current) {
            events.add("changed " + key.name() + " " + current.job().tasksByStatus());
          }

          @Override
          public void failed(TopologyRecord record) {
            events.add("failed " + record.key().name());
          }
        });
    return watcher;
  }

  @Test
  void onePollAsksAboutEveryRecordedJobInBoundedBatches() {
    for (String name : List.of("t1", "t2", "t3", "t4", "t5")) {
      core.running(name);
    }
    TopologyStatusWatcher watcher = watcher(2);

    watcher.pollOnce(CLUSTER);

    assertThat(core.scheduler.statusBatches()).containsExactly(2, 2, 1);
    assertThat(events).filteredOn(e -> e.startsWith("poll")).hasSize(3);
    for (String name : List.of("t1", "t2", "t3", "t4", "t5")) {
      ObservedStatus observed = watcher.observed(key(name), CoreFixture.topologyId(name)).get();
      assertThat(observed.job().count("RUNNING")).isEqualTo(2);
      assertThat(observed.observedAt()).isEqualTo(core.clock.instant());
      assertThat(observed.stale()).isFalse();
    }
  }

  @Test
  void readsAnswerFromMemoryWithoutCallingTheScheduler() {
    core.submit("words", null);
    core.forgetCalls();
    TopologyLifecycle.Description before = core.lifecycle.describe(key("words"), false);
    assertThat(before.job()).as("not observed yet: no counts, no error").isNull();
    assertThat(before.schedulerError()).isNull();
    assertThat(before.observedAt()).isNull();

    core.statusPoll();
    for (int i = 0; i < 300; i++) {
      core.lifecycle.describe(key("words"), false);
    }

    assertThat(core.scheduler.statusBatches()).containsExactly(1);
    TopologyLifecycle.Description after = core.lifecycle.describe(key("words"), false);
    assertThat(after.job().tasksByStatus()).isEqualTo(Map.of("RUNNING", 2));
    assertThat(after.observedAt()).isEqualTo(core.clock.instant());
  }

  @Test
  void refreshCallsOnceAndThenAtMostOncePerPollInterval() {
    core.running("words");

    TopologyLifecycle.Description first = core.lifecycle.describe(key("words"), true);
    TopologyLifecycle.Description second = core.lifecycle.describe(key("words"), true);
    assertThat(first.job().count("RUNNING")).isEqualTo(2);
    assertThat(second.observedAt()).isEqualTo(first.observedAt());
    assertThat(core.scheduler.statusBatches()).containsExactly(1);

    core.clock.advance(CoreFixture.POLL_INTERVAL);
    core.lifecycle.describe(key("words"), true);
    assertThat(core.scheduler.statusBatches()).containsExactly(1, 1);
  }

  @Test
  void aFailedPollKeepsTheLastObservationMarkedStale() {
    core.running("words");
    core.statusPoll();
    var observedAt = core.clock.instant();

    core.scheduler.faults.failNext(
        "status", new DependencyUnavailableException("Aurora is unreachable"));
    core.statusPoll();

    TopologyLifecycle.Description description = core.lifecycle.describe(key("words"), false);
    assertThat(description.job().count("RUNNING")).isEqualTo(2);
    assertThat(description.observedAt()).isEqualTo(observedAt);
    assertThat(description.schedulerError()).isEqualTo("Aurora is unreachable");
  }

  @Test
  void listenersHearOfChangedTasksOnly() {
    core.running("words");
    TopologyStatusWatcher watcher = watcher(100);
    watcher.pollOnce(CLUSTER);
    watcher.pollOnce(CLUSTER);
    core.scheduler.putJob(key("words"), CoreFixture.topologyId("words"), 1);
    watcher.pollOnce(CLUSTER);

    assertThat(events)
        .filteredOn(e -> e.startsWith("changed"))
        .containsExactly("changed words {RUNNING=2}", "changed words {RUNNING=1}");
  }

  @Test
  void aTopologyWhoseJobVanishedIsMarkedFailed() {
    core.running("words");
    core.scheduler.removeJob(key("words"));
    TopologyStatusWatcher watcher = watcher(100);

    watcher.pollOnce(CLUSTER);
    assertThat(core.record("words").state())
        .as("one poll is no verdict")
        .isEqualTo(TopologyState.RUNNING);
    core.clock.advance(CoreFixture.POLL_INTERVAL);
    watcher.pollOnce(CLUSTER);

    TopologyRecord failed = core.record("words");
    assertThat(failed.state()).isEqualTo(TopologyState.FAILED);
    assertThat(failed.failure().reason()).isEqualTo("AuroraJobVanished");
    assertThat(failed.failure().message())
        .contains("local/alice/devel/words")
        .contains("Kill the topology");
    assertThat(failed.failure().since()).isEqualTo(core.clock.instant());
    assertThat(events).contains("failed words");
    assertThat(core.scheduler.unlockedCalls()).isEmpty();
  }

  @Test
  void aVanishedJobIsNotJudgedWhileAuroraIsUnreachableNorAcrossAFailedPoll() {
    core.running("words");
    core.scheduler.removeJob(key("words"));

    core.statusPoll();
    core.scheduler.faults.failNext(
        "status", new DependencyUnavailableException("Aurora is unreachable"));
    core.statusPoll();
    core.statusPoll();
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);

    core.statusPoll();
    assertThat(core.record("words").state()).isEqualTo(TopologyState.FAILED);
  }

  @Test
  void aTopologyChangedBetweenTwoPollsIsJudgedAgain() {
    core.running("words");
    core.scheduler.removeJob(key("words"));

    core.statusPoll();
    // An operation changed the record in between (here: its state written again).
    TopologyRecord record = core.record("words");
    core.topologies.update(record.withState(TopologyState.RUNNING, core.clock.instant(), "op-x"));
    core.statusPoll();
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);

    core.statusPoll();
    assertThat(core.record("words").state()).isEqualTo(TopologyState.FAILED);
  }

  @Test
  void aTopologyLockedByAnOperationIsNotJudged() {
    core.running("words");
    core.scheduler.removeJob(key("words"));
    core.locks.holdElsewhere(key("words"));
    core.statusPoll();
    core.statusPoll();
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);

    core.locks.releaseElsewhere(key("words"));
    core.statusPoll();
    assertThat(core.record("words").state()).isEqualTo(TopologyState.FAILED);
  }
}
