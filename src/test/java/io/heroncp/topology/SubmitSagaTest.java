package io.heroncp.topology;

import static io.heroncp.topology.CoreFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.heron.HeronPaths;
import io.heroncp.problems.BusyException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.InternalErrorException;
import io.heroncp.problems.InvalidFieldException;
import java.io.UncheckedIOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The submit saga against fakes: every step's failure leaves nothing half-written. */
class SubmitSagaTest {

  private final CoreFixture core = new CoreFixture();
  private final HeronPaths heron = new HeronPaths(CoreFixture.HERON_ROOT);

  @AfterEach
  void close() {
    core.close();
  }

  @Test
  void aSubmitRecordsTheTopologyCreatesTheJobAndSucceeds() {
    OperationResult result = core.submit("words", null);

    TopologyRecord record = core.record("words");
    assertThat(record.state()).isEqualTo(TopologyState.STARTING);
    assertThat(record.settlesTo()).isEqualTo(TopologyState.RUNNING);
    assertThat(record.lastOperationId()).isEqualTo(result.operation().id());
    assertThat(result.record()).isEqualTo(record);
    assertThat(core.heronNodes("words"))
        .containsExactlyInAnyOrder(
            heron.topology("words"),
            heron.packingPlan("words"),
            heron.executionState("words"),
            heron.schedulerLocation("words"));
    assertThat(core.scheduler.calls()).containsExactly("createJob local/alice/devel/words");
    assertThat(core.scheduler.instances(key("words"))).isEqualTo(2);
    assertThat(core.scheduler.unlockedCalls()).isEmpty();
    assertThat(core.packages.stored()).containsExactly(record.topologyPackage().sha256());
    Operation submit = core.operations.only(Operation.Verb.SUBMIT);
    assertThat(submit.outcome()).isEqualTo(Operation.Outcome.SUCCEEDED);
    assertThat(submit.targetState()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.operations.history(CoreFixture.CLUSTER, "words")).containsExactly(submit);
    assertThat(core.operations.unfinished()).isEmpty();
  }

  @Test
  void aTopologyThatStartsDeactivatedEndsPaused() {
    core.lifecycle.submit(CoreFixture.submitCommand("quiet", 1, 1, true), "alice", null, null);

    assertThat(core.record("quiet").state()).isEqualTo(TopologyState.STARTING);
    assertThat(core.record("quiet").settlesTo()).isEqualTo(TopologyState.PAUSED);
    assertThat(core.operations.only(Operation.Verb.SUBMIT).targetState())
        .isEqualTo(TopologyState.PAUSED);
  }

  @Test
  void aPackageThatCannotBeStoredRecordsNothingNotEvenAnOperation() {
    core.packages.faults.failNext(
        "build", new DependencyUnavailableException("package store unavailable"));

    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(DependencyUnavailableException.class);

    assertNothingLeft("words");
    assertThat(core.scheduler.calls()).isEmpty();
    // Nothing was written: the failure is the request's, not an operation's (a retry runs anew).
    assertThat(core.operations.all()).isEmpty();
  }

  @Test
  void aFailedIntentWriteDeletesThePackageCallsNoSchedulerAndRecordsNoOperation() {
    core.topologies.faults.failNext(
        "createSubmission", new DependencyUnavailableException("ZooKeeper is gone"));

    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(DependencyUnavailableException.class);

    assertNothingLeft("words");
    assertThat(core.packages.deleted()).hasSize(1);
    assertThat(core.scheduler.calls()).isEmpty();
    assertThat(core.operations.all()).isEmpty();
  }

  @Test
  void staleHeronStateOfTheNameIsAConflictAndThePackageIsDeleted() {
    core.submit("words", null);
    // the record alone vanishes (e.g. removed by hand): Heron's nodes of that name remain
    TopologyRecord record = core.record("words");
    core.topologies.delete(record, io.heroncp.heron.HeronStateNodes.of("/elsewhere", "words"));
    core.forgetCalls();

    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(ConflictException.class)
        .extracting(e -> ((ConflictException) e).field())
        .isEqualTo("name");

    assertThat(core.hasRecord("words")).isFalse();
    assertThat(core.packages.stored()).isEmpty();
    assertThat(core.heronNodes("words")).contains(heron.topology("words"));
    assertThat(core.scheduler.calls()).isEmpty();
    // A refusal before anything was written: the history keeps only the first submit.
    assertThat(core.operations.history(CoreFixture.CLUSTER, "words"))
        .extracting(Operation::outcome)
        .containsExactly(Operation.Outcome.SUCCEEDED);
  }

  static Stream<ControlPlaneException> schedulerFailures() {
    return Stream.of(
        new InvalidFieldException("Aurora refused the job: quota exceeded", "role"),
        new DependencyUnavailableException("Aurora is unreachable"),
        new DependencyTimeoutException("Aurora did not answer in time"));
  }

  @ParameterizedTest
  @MethodSource("schedulerFailures")
  void aFailedCreateJobRemovesTheRecordHeronsNodesAndThePackage(ControlPlaneException failure) {
    core.scheduler.faults.failNext("createJob", failure);

    assertThatThrownBy(() -> core.submit("words", null)).isSameAs(failure);

    assertNothingLeft("words");
    assertThat(core.packages.deleted()).hasSize(1);
    assertThat(core.scheduler.calls()).containsExactly("createJob local/alice/devel/words");
    assertThat(core.scheduler.hasJob(key("words"))).isFalse();
    assertRolledBack(failure.type(), failure.getMessage());
  }

  @Test
  void aRolledBackSubmitFreesTheNameForTheNextSubmit() {
    core.scheduler.faults.failNext(
        "createJob", new DependencyUnavailableException("Aurora is unreachable"));
    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(DependencyUnavailableException.class);

    core.submit("words", null);

    assertThat(core.record("words").state()).isEqualTo(TopologyState.STARTING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.operations.history(CoreFixture.CLUSTER, "words"))
        .extracting(Operation::outcome)
        .containsExactly(Operation.Outcome.SUCCEEDED, Operation.Outcome.ROLLED_BACK);
  }

  @Test
  void aCreateJobTimeoutAfterTheJobWasCreatedLeavesNoOrphanJob() {
    core.scheduler.faults.failNextAfterEffect(
        "createJob", new DependencyTimeoutException("Aurora did not answer"));

    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(DependencyTimeoutException.class);

    assertNothingLeft("words");
    assertThat(core.scheduler.hasJob(key("words")))
        .as("Aurora job of the rolled-back submit")
        .isFalse();
  }

  @Test
  void aFailedFinalRecordWriteLeavesNothingHalfWritten() {
    core.topologies.faults.failNext(
        "completeLaunch", new DependencyUnavailableException("ZooKeeper is gone"));

    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(DependencyUnavailableException.class);
    core.timePasses();
    core.reconciler.reconcileOnce();

    Operation submit = core.operations.only(Operation.Verb.SUBMIT);
    if (submit.outcome() == Operation.Outcome.ROLLED_BACK) {
      assertNothingLeft("words");
      assertThat(core.scheduler.hasJob(key("words"))).isFalse();
    } else {
      assertThat(core.record("words").state()).isEqualTo(TopologyState.STARTING);
      assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
    }
  }

  @Test
  void aSubmittingRecordLeftByAFailedRollbackIsRemovedByTheReconciler() {
    core.scheduler.faults.failNext(
        "createJob", new DependencyUnavailableException("Aurora is unreachable"));
    core.topologies.faults.failNext(
        "delete", new DependencyUnavailableException("ZooKeeper is gone"));
    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(DependencyUnavailableException.class);
    assertThat(core.record("words").state()).isEqualTo(TopologyState.SUBMITTING);

    core.timePasses();
    core.reconciler.reconcileOnce();

    assertNothingLeft("words");
  }

  @Test
  void aFailureOutsideTheDomainErrorsEndsTheSubmitAsAnInternalError() {
    core.scheduler.faults.failNext(
        "createJob", new UncheckedIOException("disk full", new java.io.IOException("ENOSPC")));

    assertThatThrownBy(() -> core.submit("words", "key-1"))
        .isInstanceOf(UncheckedIOException.class);

    Operation submit = core.operations.only(Operation.Verb.SUBMIT);
    assertThat(submit.outcome()).isEqualTo(Operation.Outcome.ROLLED_BACK);
    assertThat(submit.error().type()).isEqualTo("internal-error");
    assertThat(submit.error().detail()).doesNotContain("disk full");
    assertThat(core.locks.isHeld(key("words"))).isFalse();
    assertNothingLeft("words");
    assertThat(core.scheduler.calls()).containsExactly("createJob local/alice/devel/words");
    // the retry gets the first answer instead of 409 "still running"
    assertThatThrownBy(() -> core.submit("words", "key-1"))
        .isInstanceOf(InternalErrorException.class)
        .extracting(e -> ((ControlPlaneException) e).status())
        .isEqualTo(500);
  }

  @Test
  void anUnexpectedCreateJobFailureAfterTheJobWasCreatedKillsTheJob() {
    core.scheduler.faults.failNextAfterEffect(
        "createJob", new IllegalStateException("unreadable answer"));

    assertThatThrownBy(() -> core.submit("words", null)).isInstanceOf(IllegalStateException.class);

    assertNothingLeft("words");
    assertThat(core.scheduler.hasJob(key("words"))).isFalse();
    assertThat(core.scheduler.calls())
        .containsExactly("createJob local/alice/devel/words", "killJob local/alice/devel/words");
    assertThat(core.operations.only(Operation.Verb.SUBMIT).error().type())
        .isEqualTo("internal-error");
  }

  @Test
  void aCreateJobBrokenAfterSendingThatTookEffectKillsTheJob() {
    core.scheduler.faults.failNextAfterEffect(
        "createJob", DependencyUnavailableException.afterSending("connection reset", null));

    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(DependencyUnavailableException.class);

    assertNothingLeft("words");
    assertThat(core.scheduler.hasJob(key("words"))).isFalse();
    assertRolledBack("dependency-unavailable", "connection reset");
  }

  @Test
  void aCreateJobRefusedAsAnotherTopologysJobNeverKillsThatJob() {
    core.scheduler.putJob(key("words"), "words-of-someone-else", 2);

    assertThatThrownBy(() -> core.submit("words", null)).isInstanceOf(ConflictException.class);

    assertNothingLeft("words");
    assertThat(core.scheduler.hasJob(key("words"))).isTrue();
    assertThat(core.scheduler.calls()).containsExactly("createJob local/alice/devel/words");
  }

  @Test
  void aTimedOutCreateWhoseJobCannotBeCheckedIsLeftForTheReconcilerWhichFinishesIt() {
    core.scheduler.faults.failNextAfterEffect(
        "createJob", new DependencyTimeoutException("Aurora did not answer"));
    core.scheduler.faults.failNext(
        "status", new DependencyUnavailableException("Aurora is unreachable"));

    assertThatThrownBy(() -> core.submit("words", "key-1"))
        .isInstanceOf(DependencyTimeoutException.class);
    assertThat(core.record("words").state()).isEqualTo(TopologyState.SUBMITTING);
    assertThat(core.operations.only(Operation.Verb.SUBMIT).outcome())
        .isEqualTo(Operation.Outcome.RUNNING);
    assertThat(core.locks.isHeld(key("words"))).isFalse();
    assertThatThrownBy(() -> core.submit("words", "key-1")).isInstanceOf(BusyException.class);

    core.timePasses();
    core.reconciler.reconcileOnce();

    // the job was created: the reconciler finishes the submit, and the retry learns so
    assertThat(core.record("words").state()).isEqualTo(TopologyState.STARTING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.operations.only(Operation.Verb.SUBMIT).outcome())
        .isEqualTo(Operation.Outcome.SUCCEEDED);
    assertThat(core.submit("words", "key-1").replayed()).isTrue();
  }

  @Test
  void aFailedFinalRecordWriteIsFinishedByTheReconcilerNotReportedUndone() {
    core.topologies.faults.failNext(
        "completeLaunch", new DependencyUnavailableException("ZooKeeper is gone"));

    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(DependencyUnavailableException.class);
    assertThat(core.operations.only(Operation.Verb.SUBMIT).outcome())
        .isEqualTo(Operation.Outcome.RUNNING);
    assertThat(core.scheduler.hasJob(key("words"))).isTrue();

    core.timePasses();
    core.reconciler.reconcileOnce();

    assertThat(core.record("words").state()).isEqualTo(TopologyState.STARTING);
    assertThat(core.record("words").settlesTo()).isEqualTo(TopologyState.RUNNING);
    assertThat(core.heronNodes("words")).contains(heron.schedulerLocation("words"));
    assertThat(core.operations.only(Operation.Verb.SUBMIT).outcome())
        .isEqualTo(Operation.Outcome.SUCCEEDED);
  }

  @Test
  void aTakenNameIsAConflictBeforeAnythingIsWritten() {
    core.running("words");
    int writes = core.topologies.writes();
    int packages = core.packages.stored().size();

    assertThatThrownBy(() -> core.submit("words", null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already exists");

    assertThat(core.topologies.writes()).isEqualTo(writes);
    assertThat(core.packages.stored()).hasSize(packages);
    assertThat(core.operations.all()).hasSize(1);
    assertThat(core.scheduler.calls()).isEmpty();
  }

  @Test
  void aLockedNameIsBusyAndNothingIsWritten() {
    core.locks.holdElsewhere(key("words"));

    assertThatThrownBy(() -> core.submit("words", null)).isInstanceOf(BusyException.class);

    assertThat(core.operations.all()).isEmpty();
    assertThat(core.packages.stored()).isEmpty();
    assertThat(core.topologies.writes()).isZero();
    assertThat(core.scheduler.calls()).isEmpty();
  }

  @Test
  void anInvalidSubmitIsRefusedBeforeTheLockIsTaken() {
    SubmitCommand command = CoreFixture.submitCommand("words");
    SubmitCommand wrongName =
        new SubmitCommand(
            "other",
            command.cluster(),
            command.role(),
            command.environment(),
            null,
            command.definition(),
            command.topology(),
            false,
            null,
            command.overrides());

    assertThatThrownBy(() -> core.lifecycle.submit(wrongName, "alice", null, null))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("does not match");

    assertThat(core.locks.acquisitions()).isZero();
    assertThat(core.operations.all()).isEmpty();
  }

  private void assertNothingLeft(String name) {
    assertThat(core.hasRecord(name)).as("record of " + name).isFalse();
    assertThat(core.heronNodes(name)).as("Heron nodes of " + name).isEmpty();
    assertThat(core.packages.stored()).as("stored packages").isEmpty();
    assertThat(core.operations.unfinished()).as("unfinished operations").isEmpty();
  }

  private void assertRolledBack(String type, String detail) {
    Operation submit = core.operations.only(Operation.Verb.SUBMIT);
    assertThat(submit.outcome()).isEqualTo(Operation.Outcome.ROLLED_BACK);
    assertThat(submit.error()).isEqualTo(new Operation.Problem(type, detail));
    assertThat(submit.endedAt()).isNotNull();
  }
}
