package io.heroncp.topology;

import static io.heroncp.topology.CoreFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.InvalidFieldException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kill, restart, update, activate and deactivate when the scheduler or topology manager fails
 * midway.
 */
class VerbFailurePathsTest {

  private final CoreFixture core = new CoreFixture();

  @AfterEach
  void close() {
    core.close();
  }

  @Test
  void aKillKillsTheJobAndRemovesRecordHeronStateAndPackage() {
    TopologyRecord record = core.running("words");

    OperationResult result = core.lifecycle.kill(core.request("words"));

    assertThat(result.record().state()).isEqualTo(TopologyState.KILLED);
    assertThat(core.hasRecord("words")).isFalse();
    assertThat(core.heronNodes("words")).isEmpty();
    assertThat(core.packages.deleted()).containsExactly(record.topologyPackage().sha256());
    assertThat(core.scheduler.hasJob(key("words"))).isFalse();
    assertThat(core.scheduler.unlockedCalls()).isEmpty();
    assertThat(core.operations.history(CoreFixture.CLUSTER, "words"))
        .extracting(Operation::verb, Operation::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Operation.Verb.KILL, Operation.Outcome.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(
                Operation.Verb.SUBMIT, Operation.Outcome.SUCCEEDED));
  }

  @Test
  void aKillTheSchedulerFailsRestoresTheStateAndKeepsEverything() {
    TopologyRecord before = core.running("words");
    core.scheduler.faults.failNext(
        "killJob", new DependencyUnavailableException("Aurora is unreachable"));

    assertThatThrownBy(() -> core.lifecycle.kill(core.request("words")))
        .isInstanceOf(DependencyUnavailableException.class);

    TopologyRecord after = core.record("words");
    assertThat(after.state()).isEqualTo(TopologyState.RUNNING);
    assertThat(after.version()).isGreaterThan(before.version());
    assertThat(core.heronNodes("words")).hasSize(4);
    assertThat(core.packages.stored()).containsExactly(before.topologyPackage().sha256());
    assertThat(core.scheduler.hasJob(key("words"))).isTrue();
    assertOutcome(Operation.Verb.KILL, Operation.Outcome.ROLLED_BACK, "dependency-unavailable");
  }

  @Test
  void aKillWhoseStateRemovalFailsAfterTheJobDiedEndsFailedByTheReconciler() {
    core.running("words");
    core.topologies.faults.failNext(
        "delete", new DependencyUnavailableException("ZooKeeper is gone"));

    assertThatThrownBy(() -> core.lifecycle.kill(core.request("words")))
        .isInstanceOf(DependencyUnavailableException.class);
    // The runner restores RUNNING although the job is gone (ROLLED_BACK, yet the job is not
    // restored) ...
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.scheduler.hasJob(key("words"))).isFalse();
    assertOutcome(Operation.Verb.KILL, Operation.Outcome.ROLLED_BACK, "dependency-unavailable");

    core.statusPoll();
    core.statusPoll();

    // ... and the status watcher's look at Aurora marks it FAILED, from where it can be killed
    // again.
    assertThat(core.record("words").state()).isEqualTo(TopologyState.FAILED);
    core.lifecycle.kill(core.request("words"));
    assertThat(core.hasRecord("words")).isFalse();
  }

  @Test
  void aRestartOfAllClearsTheTopologyManagerLocationFirst() {
    core.running("words", 2, 2);

    core.verbs.restart(core.request("words"), null);

    assertThat(core.topologyManager.calls()).containsExactly("clearLocation words");
    assertThat(core.scheduler.calls()).containsExactly("restart [0, 1, 2] local/alice/devel/words");
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RESTARTING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
  }

  @Test
  void aRestartTheSchedulerFailsRestoresTheState() {
    core.running("words");
    core.scheduler.faults.failNext(
        "restart", new DependencyTimeoutException("Aurora did not answer"));

    assertThatThrownBy(() -> core.verbs.restart(core.request("words"), 1))
        .isInstanceOf(DependencyTimeoutException.class);

    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);
    assertOutcome(Operation.Verb.RESTART, Operation.Outcome.ROLLED_BACK, "dependency-timeout");
    assertThat(core.operations.unfinished()).isEmpty();
  }

  @Test
  void aRestartOfAContainerTheTopologyDoesNotHaveIsRefusedAndWritesNothing() {
    core.running("words");
    int historyBefore = core.operations.history(CoreFixture.CLUSTER, "words").size();
    int versionBefore = core.record("words").version();

    assertThatThrownBy(() -> core.verbs.restart(core.request("words"), 5))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("container_id");

    assertThat(core.scheduler.calls()).isEmpty();
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.record("words").version()).isEqualTo(versionBefore);
    assertThat(core.operations.history(CoreFixture.CLUSTER, "words")).hasSize(historyBefore);
  }

  @Test
  void anActivateTheTopologyManagerFailsStaysPaused() {
    core.paused("words");
    core.topologyManager.faults.failNext(
        "activate", new DependencyUnavailableException("TManager unreachable"));

    assertThatThrownBy(() -> core.verbs.activate(core.request("words")))
        .isInstanceOf(DependencyUnavailableException.class);

    assertThat(core.record("words").state()).isEqualTo(TopologyState.PAUSED);
    assertOutcome(Operation.Verb.ACTIVATE, Operation.Outcome.ROLLED_BACK, "dependency-unavailable");
  }

  @Test
  void aDeactivateThenAnActivateMoveTheState() {
    core.running("words");

    core.verbs.deactivate(core.request("words"));
    assertThat(core.record("words").state()).isEqualTo(TopologyState.PAUSED);
    core.verbs.activate(core.request("words"));

    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.topologyManager.calls()).containsExactly("deactivate words", "activate words");
  }

  @Test
  void aRuntimeConfigUpdateTheTopologyManagerRefusesRestoresTheState() {
    core.running("words");
    core.topologyManager.faults.failNext(
        "updateRuntimeConfig",
        new io.heroncp.problems.ConflictException("the TManager refused: unknown component"));

    assertThatThrownBy(
            () ->
                core.verbs.update(
                    core.request("words"),
                    new UpdateRequest(Map.of(), null, List.of("sentence:rate:10"), false, null)))
        .isInstanceOf(io.heroncp.problems.ConflictException.class);

    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);
    assertOutcome(Operation.Verb.UPDATE, Operation.Outcome.ROLLED_BACK, "conflict");
  }

  @Test
  void aScaleUpAddsContainersWritesThePlanAndReactivates() {
    core.running("words");

    core.verbs.update(
        core.request("words"),
        new UpdateRequest(Map.of("sentence", 2), null, List.of(), false, null));

    assertThat(core.scheduler.calls()).containsExactly("scaleTo 3 local/alice/devel/words");
    assertThat(core.scheduler.instances(key("words"))).isEqualTo(3);
    assertThat(core.packingPlan("words").containerCount()).isEqualTo(2);
    assertThat(core.record("words").packing().containers()).isEqualTo(2);
    assertThat(core.record("words").components())
        .extracting(TopologyRecord.ComponentSummary::parallelism)
        .containsExactly(2);
    assertThat(core.topologyManager.calls()).containsExactly("deactivate words", "activate words");
    assertThat(core.record("words").state()).isEqualTo(TopologyState.UPDATING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
  }

  @Test
  void aScaleUpTheSchedulerFailsKeepsThePlanAndReactivates() {
    TopologyRecord before = core.running("words");
    core.scheduler.faults.failNext(
        "scaleTo", new DependencyUnavailableException("Aurora is unreachable"));

    assertThatThrownBy(
            () ->
                core.verbs.update(
                    core.request("words"),
                    new UpdateRequest(Map.of("sentence", 2), null, List.of(), false, null)))
        .isInstanceOf(DependencyUnavailableException.class);

    assertThat(core.packingPlan("words").containerCount()).isEqualTo(1);
    assertThat(core.record("words").packing()).isEqualTo(before.packing());
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.topologyManager.calls()).containsExactly("deactivate words", "activate words");
    assertThat(core.topologyManager.runtimeState(CoreFixture.HERON_ROOT, "words"))
        .isEqualTo("RUNNING");
    assertOutcome(Operation.Verb.UPDATE, Operation.Outcome.ROLLED_BACK, "dependency-unavailable");
  }

  @Test
  void aResizeTheJobUpdateFailsKeepsThePlanAndReactivates() {
    TopologyRecord before = core.running("words", 2, 2);
    core.scheduler.faults.failNext(
        "updateJob", new DependencyTimeoutException("the job update did not finish"));

    // two one-instance containers into one of two instances: every Aurora instance changes size
    assertThatThrownBy(
            () ->
                core.verbs.update(
                    core.request("words"), new UpdateRequest(Map.of(), 1, List.of(), false, null)))
        .isInstanceOf(DependencyTimeoutException.class);

    assertThat(core.scheduler.calls()).containsExactly("updateJob 2 local/alice/devel/words");
    assertThat(core.scheduler.instances(key("words"))).isEqualTo(3);
    assertThat(core.packingPlan("words").containerCount()).isEqualTo(2);
    assertThat(core.record("words").packing()).isEqualTo(before.packing());
    assertThat(core.topologyManager.calls()).containsExactly("deactivate words", "activate words");
    assertOutcome(Operation.Verb.UPDATE, Operation.Outcome.ROLLED_BACK, "dependency-timeout");
  }

  @Test
  void anUpdateOfAPausedTopologyNeitherDeactivatesNorActivates() {
    core.paused("words");

    core.verbs.update(
        core.request("words"),
        new UpdateRequest(Map.of("sentence", 2), null, List.of(), false, null));

    assertThat(core.topologyManager.calls()).isEmpty();
    assertThat(core.record("words").state()).isEqualTo(TopologyState.UPDATING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.PAUSED);
  }

  @Test
  void aScaleDownTheSchedulerFailsAfterThePlanWasWrittenIsNotReportedAsUndone() {
    core.running("words", 2, 2);
    core.scheduler.faults.failNext(
        "scaleTo", new DependencyUnavailableException("Aurora is unreachable"));

    assertThatThrownBy(
            () ->
                core.verbs.update(
                    core.request("words"),
                    new UpdateRequest(Map.of("sentence", 1), null, List.of(), false, null)))
        .isInstanceOf(DependencyUnavailableException.class);

    Operation update = core.operations.history(CoreFixture.CLUSTER, "words").get(0);
    if (update.outcome() == Operation.Outcome.ROLLED_BACK) {
      assertThat(core.packingPlan("words").containerCount()).isEqualTo(2);
      assertThat(core.record("words").packing().containers()).isEqualTo(2);
    } else {
      assertThat(core.scheduler.instances(key("words")))
          .isEqualTo(core.packingPlan("words").containerCount() + 1);
    }
  }

  @Test
  void aScaleDownTheSchedulerFailsAfterThePlanWasWrittenPutsAuroraAndThePlanBack() {
    TopologyRecord before = core.running("words", 2, 2);
    core.scheduler.faults.failNextAfterEffect(
        "scaleTo", new DependencyTimeoutException("Aurora did not answer"));

    assertThatThrownBy(
            () ->
                core.verbs.update(
                    core.request("words"),
                    new UpdateRequest(Map.of("sentence", 1), null, List.of(), false, null)))
        .isInstanceOf(DependencyTimeoutException.class);

    assertThat(core.scheduler.calls())
        .containsExactly("scaleTo 2 local/alice/devel/words", "scaleTo 3 local/alice/devel/words");
    assertThat(core.scheduler.instances(key("words"))).isEqualTo(3);
    assertThat(core.packingPlan("words").containerCount()).isEqualTo(2);
    assertThat(core.record("words").packing()).isEqualTo(before.packing());
    assertThat(core.record("words").components()).isEqualTo(before.components());
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.topologyManager.calls()).containsExactly("deactivate words", "activate words");
    assertOutcome(Operation.Verb.UPDATE, Operation.Outcome.ROLLED_BACK, "dependency-timeout");
  }

  @Test
  void aScaleUpWhoseReactivationFailsPutsAuroraAndThePlanBack() {
    TopologyRecord before = core.running("words");
    core.topologyManager.faults.failNext(
        "activate", new DependencyUnavailableException("topology manager is gone"));

    assertThatThrownBy(
            () ->
                core.verbs.update(
                    core.request("words"),
                    new UpdateRequest(Map.of("sentence", 2), null, List.of(), false, null)))
        .isInstanceOf(DependencyUnavailableException.class);

    assertThat(core.scheduler.calls())
        .containsExactly("scaleTo 3 local/alice/devel/words", "scaleTo 2 local/alice/devel/words");
    assertThat(core.scheduler.instances(key("words"))).isEqualTo(2);
    assertThat(core.packingPlan("words").containerCount()).isEqualTo(1);
    assertThat(core.record("words").packing()).isEqualTo(before.packing());
    assertOutcome(Operation.Verb.UPDATE, Operation.Outcome.ROLLED_BACK, "dependency-unavailable");
  }

  @Test
  void aScaleDownThatCannotBeUndoneIsLeftForTheReconcilerWhichMakesAuroraMatchThePlan() {
    core.running("words", 2, 2);
    core.scheduler.faults.failNext(
        "scaleTo", new DependencyUnavailableException("Aurora is unreachable"));
    core.scheduler.faults.failNext(
        "scaleTo", new DependencyUnavailableException("Aurora is unreachable"));

    assertThatThrownBy(
            () ->
                core.verbs.update(
                    core.request("words"),
                    new UpdateRequest(Map.of("sentence", 1), null, List.of(), false, null)))
        .isInstanceOf(DependencyUnavailableException.class);
    Operation update = core.operations.history(CoreFixture.CLUSTER, "words").get(0);
    assertThat(update.outcome()).isEqualTo(Operation.Outcome.RUNNING);
    assertThat(core.topologyManager.runtimeState(CoreFixture.HERON_ROOT, "words"))
        .isEqualTo("RUNNING");

    core.timePasses();
    core.reconciler.reconcileOnce();

    assertThat(core.scheduler.instances(key("words")))
        .isEqualTo(core.packingPlan("words").containerCount() + 1);
    assertThat(core.record("words").packing().containers())
        .isEqualTo(core.packingPlan("words").containerCount());
    assertThat(core.record("words").state()).isEqualTo(TopologyState.UPDATING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
    assertOutcome(Operation.Verb.UPDATE, Operation.Outcome.FAILED, "interrupted");
  }

  private void assertOutcome(Operation.Verb verb, Operation.Outcome outcome, String problemType) {
    Operation operation = core.operations.history(CoreFixture.CLUSTER, "words").get(0);
    assertThat(operation.verb()).isEqualTo(verb);
    assertThat(operation.outcome()).isEqualTo(outcome);
    assertThat(operation.error().type()).isEqualTo(problemType);
  }
}
