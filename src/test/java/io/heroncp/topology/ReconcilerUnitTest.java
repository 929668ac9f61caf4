package io.heroncp.topology;

import static io.heroncp.topology.CoreFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.heron.HeronPaths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's decision for each interrupted verb, and what it leaves alone (vanished jobs:
 * {@link TopologyStatusWatcherTest}).
 */
class ReconcilerUnitTest {

  private final CoreFixture core = new CoreFixture();

  @AfterEach
  void close() {
    core.close();
  }

  @Test
  void aSubmitInterruptedWithItsRecordGoneIsRolledBackWithNothingToUndo() {
    // A refused createJob whose rollback removed the record but could not end the operation.
    core.scheduler.faults.failNext(
        "createJob", new io.heroncp.problems.InvalidFieldException("Aurora refused", "role"));
    core.operations.faults.failNext("complete", new Faults.Crash("crash ending the operation"));
    assertThatThrownBy(() -> core.submit("words", null)).isInstanceOf(Faults.Crash.class);
    assertThat(core.hasRecord("words")).isFalse();

    reconcileLater();

    Operation submit = core.operations.only(Operation.Verb.SUBMIT);
    assertThat(submit.outcome()).isEqualTo(Operation.Outcome.ROLLED_BACK);
    assertThat(submit.error().detail())
        .contains("no topology recorded")
        .contains("nothing to undo");
    assertThat(core.repairs).containsExactly("SUBMIT");
  }

  @Test
  void aSubmitInterruptedBeforeTheJobWasCreatedIsRolledBack() {
    core.crashAfterIntentOf(Operation.Verb.SUBMIT);
    assertThatThrownBy(() -> core.submit("words", null)).isInstanceOf(Faults.Crash.class);
    assertThat(core.record("words").state()).isEqualTo(TopologyState.SUBMITTING);

    reconcileLater();

    assertThat(core.hasRecord("words")).isFalse();
    assertThat(core.heronNodes("words")).isEmpty();
    assertThat(core.packages.stored()).isEmpty();
    assertThat(core.scheduler.calls()).isEmpty();
    Operation submit = core.operations.only(Operation.Verb.SUBMIT);
    assertThat(submit.outcome()).isEqualTo(Operation.Outcome.ROLLED_BACK);
    assertThat(submit.error().type()).isEqualTo("interrupted");
  }

  @Test
  void aSubmitInterruptedAfterTheJobWasCreatedIsCompleted() {
    core.topologies.faults.failNext(
        "completeLaunch", new Faults.Crash("crash before the final write"));
    assertThatThrownBy(() -> core.submit("words", null)).isInstanceOf(Faults.Crash.class);
    assertThat(core.scheduler.hasJob(key("words"))).isTrue();

    reconcileLater();

    assertThat(core.record("words").state()).isEqualTo(TopologyState.STARTING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.heronNodes("words"))
        .contains(new HeronPaths(CoreFixture.HERON_ROOT).schedulerLocation("words"));
    Operation submit = core.operations.only(Operation.Verb.SUBMIT);
    assertThat(submit.outcome()).isEqualTo(Operation.Outcome.SUCCEEDED);
    assertThat(submit.targetState()).isEqualTo(TopologyState.RUNNING);
  }

  @Test
  void aYoungOperationIsLeftAlone() {
    core.crashAfterIntentOf(Operation.Verb.SUBMIT);
    assertThatThrownBy(() -> core.submit("words", null)).isInstanceOf(Faults.Crash.class);

    core.reconciler.reconcileOnce();

    assertThat(core.operations.only(Operation.Verb.SUBMIT).outcome())
        .isEqualTo(Operation.Outcome.RUNNING);
    assertThat(core.record("words").state()).isEqualTo(TopologyState.SUBMITTING);
    assertThat(core.repairs).isEmpty();
  }

  @Test
  void anOperationWhoseTopologyIsLockedByALiveReplicaIsLeftAlone() {
    core.crashAfterIntentOf(Operation.Verb.SUBMIT);
    assertThatThrownBy(() -> core.submit("words", null)).isInstanceOf(Faults.Crash.class);
    core.locks.holdElsewhere(key("words"));

    reconcileLater();

    assertThat(core.operations.only(Operation.Verb.SUBMIT).outcome())
        .isEqualTo(Operation.Outcome.RUNNING);
    assertThat(core.hasRecord("words")).isTrue();
  }

  @Test
  void anInterruptedKillIsFinished() {
    TopologyRecord record = core.running("words");
    core.crashAfterIntentOf(Operation.Verb.KILL);
    assertThatThrownBy(() -> core.lifecycle.kill(core.request("words")))
        .isInstanceOf(Faults.Crash.class);
    assertThat(core.record("words").state()).isEqualTo(TopologyState.KILLING);

    reconcileLater();

    assertThat(core.scheduler.calls()).containsExactly("killJob local/alice/devel/words");
    assertThat(core.hasRecord("words")).isFalse();
    assertThat(core.heronNodes("words")).isEmpty();
    assertThat(core.packages.deleted()).containsExactly(record.topologyPackage().sha256());
    assertThat(latest().outcome()).isEqualTo(Operation.Outcome.SUCCEEDED);
  }

  @Test
  void anActivateInterruptedBeforeTheTopologyManagerWasToldIsRolledBack() {
    core.paused("words");
    core.crashAfterIntentOf(Operation.Verb.ACTIVATE);
    assertThatThrownBy(() -> core.verbs.activate(core.request("words")))
        .isInstanceOf(Faults.Crash.class);

    reconcileLater();

    assertThat(core.record("words").state()).isEqualTo(TopologyState.PAUSED);
    assertThat(latest().outcome()).isEqualTo(Operation.Outcome.ROLLED_BACK);
    assertThat(latest().error().detail()).contains("still PAUSED");
  }

  @Test
  void aDeactivateTheTopologyManagerCarriedOutBeforeTheCrashSucceeds() {
    core.running("words");
    core.crashAfterIntentOf(Operation.Verb.DEACTIVATE);
    assertThatThrownBy(() -> core.verbs.deactivate(core.request("words")))
        .isInstanceOf(Faults.Crash.class);
    core.topologyManager.started("words", CoreFixture.topologyId("words"), "PAUSED");

    reconcileLater();

    assertThat(core.record("words").state()).isEqualTo(TopologyState.PAUSED);
    assertThat(latest().outcome()).isEqualTo(Operation.Outcome.SUCCEEDED);
  }

  @Test
  void anInterruptedRestartRestoresTheStateAndEndsFailed() {
    core.running("words");
    core.crashAfterIntentOf(Operation.Verb.RESTART);
    assertThatThrownBy(() -> core.verbs.restart(core.request("words"), 1))
        .isInstanceOf(Faults.Crash.class);
    assertThat(core.record("words").state()).isEqualTo(TopologyState.RESTARTING);

    reconcileLater();

    assertThat(core.record("words").state()).isEqualTo(TopologyState.RESTARTING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
    assertThat(latest().outcome()).isEqualTo(Operation.Outcome.FAILED);
    assertThat(core.scheduler.calls()).isEmpty();
  }

  @Test
  void anInterruptedUpdateBringsAuroraInLineWithThePlanAndReactivates() {
    core.running("words");
    // the crash came after the deactivation, before the containers were added and the new plan
    // written
    core.scheduler.faults.failNext("scaleTo", new Faults.Crash("crash before adding containers"));
    assertThatThrownBy(
            () ->
                core.verbs.update(
                    core.request("words"),
                    new UpdateRequest(Map.of("sentence", 2), null, List.of(), false, null)))
        .isInstanceOf(Faults.Crash.class);
    assertThat(core.topologyManager.runtimeState(CoreFixture.HERON_ROOT, "words"))
        .isEqualTo("PAUSED");
    core.forgetCalls();

    reconcileLater();

    assertThat(core.scheduler.calls()).containsExactly("scaleTo 2 local/alice/devel/words");
    assertThat(core.topologyManager.calls()).containsExactly("activate words");
    assertThat(core.record("words").state()).isEqualTo(TopologyState.UPDATING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
    assertThat(latest().outcome()).isEqualTo(Operation.Outcome.FAILED);
  }

  @Test
  void finishedOperationsAndHealthyTopologiesAreLeftAlone() {
    TopologyRecord record = core.running("words");
    core.verbs.restart(core.request("words"), 1);
    List<Operation> before = core.operations.all();
    TopologyRecord restarted = core.record("words");
    core.forgetCalls();

    reconcileLater();

    assertThat(core.operations.all()).isEqualTo(before);
    assertThat(core.record("words")).isEqualTo(restarted);
    assertThat(restarted.version()).isGreaterThan(record.version());
    assertThat(core.scheduler.calls()).isEmpty();
    assertThat(core.repairs).isEmpty();
  }

  private void reconcileLater() {
    core.hooks = OperationHooks.NONE;
    core.timePasses();
    core.reconciler.reconcileOnce();
  }

  private Operation latest() {
    return core.operations.history(CoreFixture.CLUSTER, "words").get(0);
  }
}
