package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.topology.TopologyConditions.Evaluation;
import io.heroncp.topology.TopologyRecord.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules that turn an observation into conditions and readiness. */
class TopologyConditionsTest {

  private static final Instant T0 = CoreFixtureRecords.T0;
  private static final Duration DEGRADED_AFTER = Duration.ofSeconds(60);

  private static ObservedStatus observed(Instant at, Map<String, Integer> tasks) {
    return observed(at, tasks, null);
  }

  private static ObservedStatus observed(
      Instant at, Map<String, Integer> tasks, JobStatus.TaskFailure failure) {
    return new ObservedStatus("t-id", new JobStatus(true, tasks, failure), at, null, null);
  }

  private static Condition of(Evaluation evaluation, String type) {
    return evaluation.conditions().stream()
        .filter(c -> c.type().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void readyNeedsEveryTaskRunningTheManagerUpAndAnObservationAfterTheLastChange() {
    TopologyRecord starting =
        CoreFixtureRecords.record(TopologyState.STARTING, TopologyState.RUNNING);
    Instant later = T0.plusSeconds(1);

    Evaluation all =
        TopologyConditions.evaluate(
            starting, observed(later, Map.of("RUNNING", 2)), true, null, later, DEGRADED_AFTER);
    Evaluation noManager =
        TopologyConditions.evaluate(
            starting, observed(later, Map.of("RUNNING", 2)), false, null, later, DEGRADED_AFTER);
    Evaluation oneStarting =
        TopologyConditions.evaluate(
            starting,
            observed(later, Map.of("RUNNING", 1, "STARTING", 1)),
            true,
            null,
            later,
            DEGRADED_AFTER);
    Evaluation oldObservation =
        TopologyConditions.evaluate(
            starting, observed(T0, Map.of("RUNNING", 2)), true, null, later, DEGRADED_AFTER);

    assertThat(all.ready()).isTrue();
    assertThat(noManager.ready()).isFalse();
    assertThat(of(noManager, TopologyConditions.TOPOLOGY_MANAGER_READY).reason())
        .isEqualTo("NotAnnounced");
    assertThat(oneStarting.ready()).isFalse();
    assertThat(of(oneStarting, TopologyConditions.TASKS_RUNNING).reason())
        .isEqualTo("TasksNotRunning");
    assertThat(of(oneStarting, TopologyConditions.TASKS_RUNNING).message())
        .startsWith("1/2 instances have a RUNNING task");
    assertThat(oldObservation.ready()).as("observed before the record's last change").isFalse();
  }

  @Test
  void anUnchangedStatusKeepsItsTransitionTimeSoNothingIsWritten() {
    TopologyRecord starting =
        CoreFixtureRecords.record(TopologyState.STARTING, TopologyState.RUNNING);
    Instant first = T0.plusSeconds(1);
    Evaluation once =
        TopologyConditions.evaluate(
            starting, observed(first, Map.of("PENDING", 2)), false, null, first, DEGRADED_AFTER);
    TopologyRecord recorded = starting.withConditions(once.conditions());

    Instant second = first.plusSeconds(5);
    Evaluation again =
        TopologyConditions.evaluate(
            recorded,
            observed(second, Map.of("PENDING", 1, "ASSIGNED", 1)),
            false,
            null,
            second,
            DEGRADED_AFTER);

    assertThat(once.changes(starting)).isTrue();
    assertThat(again.changes(recorded)).isFalse();
    assertThat(of(again, TopologyConditions.TASKS_RUNNING).lastTransitionTime()).isEqualTo(first);
  }

  @Test
  void tasksFailingLongerThanDegradedAfterTurnHealthyFalseUntilEveryTaskRuns() {
    TopologyRecord starting =
        CoreFixtureRecords.record(TopologyState.STARTING, TopologyState.RUNNING);
    JobStatus.TaskFailure failure =
        new JobStatus.TaskFailure(1, "task-1", "FAILED", "fetch failed", T0.plusSeconds(2));
    Instant since = T0.plusSeconds(1);

    Evaluation early =
        TopologyConditions.evaluate(
            starting,
            observed(since.plusSeconds(10), Map.of("THROTTLED", 1, "RUNNING", 1), failure),
            true,
            since,
            since.plusSeconds(10),
            DEGRADED_AFTER);
    Evaluation late =
        TopologyConditions.evaluate(
            starting,
            observed(since.plusSeconds(61), Map.of("PENDING", 1, "RUNNING", 1), failure),
            true,
            since,
            since.plusSeconds(61),
            DEGRADED_AFTER);
    TopologyRecord unhealthy = starting.withConditions(late.conditions());
    // Another replica (or a restarted one) has not seen the trouble begin: False stands.
    Evaluation elsewhere =
        TopologyConditions.evaluate(
            unhealthy,
            observed(since.plusSeconds(62), Map.of("PENDING", 1, "RUNNING", 1)),
            true,
            null,
            since.plusSeconds(62),
            DEGRADED_AFTER);
    Evaluation recovered =
        TopologyConditions.evaluate(
            unhealthy,
            observed(since.plusSeconds(70), Map.of("RUNNING", 2)),
            true,
            null,
            since.plusSeconds(70),
            DEGRADED_AFTER);

    assertThat(early.trouble()).isTrue();
    assertThat(of(early, TopologyConditions.HEALTHY).status()).isEqualTo("True");
    assertThat(late.trouble()).as("a failure in this episode keeps it troubled").isTrue();
    assertThat(of(late, TopologyConditions.HEALTHY).status()).isEqualTo("False");
    assertThat(of(late, TopologyConditions.HEALTHY).reason()).isEqualTo("TasksFailing");
    assertThat(of(late, TopologyConditions.HEALTHY).message()).contains("fetch failed");
    assertThat(of(elsewhere, TopologyConditions.HEALTHY).status()).isEqualTo("False");
    assertThat(of(recovered, TopologyConditions.HEALTHY).status()).isEqualTo("True");
    assertThat(recovered.ready()).isTrue();
  }

  @Test
  void beforeAnyObservationTheTaskConditionsAreUnknown() {
    TopologyRecord starting =
        CoreFixtureRecords.record(TopologyState.STARTING, TopologyState.RUNNING);

    Evaluation none = TopologyConditions.evaluate(starting, null, false, null, T0, DEGRADED_AFTER);

    assertThat(none.conditions())
        .extracting(Condition::type, Condition::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(TopologyConditions.TASKS_RUNNING, "Unknown"),
            org.assertj.core.groups.Tuple.tuple(TopologyConditions.TOPOLOGY_MANAGER_READY, "False"),
            org.assertj.core.groups.Tuple.tuple(TopologyConditions.HEALTHY, "Unknown"));
    assertThat(none.ready()).isFalse();
    assertThat(List.of(none.conditions().get(0).lastTransitionTime())).containsExactly(T0);
  }
}
