package io.heroncp.topology;

import static io.heroncp.topology.CoreFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heroncp.problems.BusyException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.NotFoundException;
import io.heroncp.problems.PreconditionFailedException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guarantees every verb shares: idempotent replay, If-Match, the lock, the transition table.
 */
class OperationRunnerUnitTest {

  private static final String RESTART_PATH = "/api/v1/topologies/local/alice/devel/words/restart";

  private final CoreFixture core = new CoreFixture();

  @AfterEach
  void close() {
    core.close();
  }

  @Test
  void aRetriedSubmitWithTheSameKeyAnswersTheFirstOperationAndActsOnce() {
    OperationResult first = core.submit("words", "key-1");

    OperationResult again = core.submit("words", "key-1");

    assertThat(again.replayed()).isTrue();
    assertThat(again.operation()).isEqualTo(first.operation());
    assertThat(again.record()).isEqualTo(core.record("words"));
    assertThat(core.scheduler.calls()).containsExactly("createJob local/alice/devel/words");
    assertThat(core.packages.stored()).hasSize(1);
    assertThat(core.operations.all()).hasSize(1);
  }

  @Test
  void aRetriedSubmitWithTheSameKeyReplaysTheRecordedErrorAsTheSameProblem() {
    core.scheduler.faults.failNext(
        "createJob", new DependencyUnavailableException("Aurora is unreachable"));
    assertThatThrownBy(() -> core.submit("words", "key-1"))
        .isInstanceOf(DependencyUnavailableException.class);

    assertThatThrownBy(() -> core.submit("words", "key-1"))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessage("Aurora is unreachable");

    assertThat(core.scheduler.calls()).containsExactly("createJob local/alice/devel/words");
    assertThat(core.operations.all()).hasSize(1);
    assertThat(core.hasRecord("words")).isFalse();
  }

  @Test
  void aRetriedRestartWithTheSameKeyRestartsOnce() {
    core.running("words");
    OperationResult first =
        core.verbs.restart(core.requestWithKey("words", "key-2", RESTART_PATH), 1);

    OperationResult again =
        core.verbs.restart(core.requestWithKey("words", "key-2", RESTART_PATH), 1);

    assertThat(again.replayed()).isTrue();
    assertThat(again.operation().id()).isEqualTo(first.operation().id());
    assertThat(core.scheduler.calls()).containsExactly("restart [1] local/alice/devel/words");
  }

  @Test
  void theSameKeyOnAnotherPathIsAnotherRequest() {
    core.running("words");
    core.verbs.restart(core.requestWithKey("words", "key-2", RESTART_PATH), 1);
    core.settle();

    OperationResult other =
        core.verbs.deactivate(
            core.requestWithKey(
                "words", "key-2", "/api/v1/topologies/local/alice/devel/words/deactivate"));

    assertThat(other.replayed()).isFalse();
    assertThat(other.operation().verb()).isEqualTo(Operation.Verb.DEACTIVATE);
    assertThat(core.record("words").state()).isEqualTo(TopologyState.PAUSED);
  }

  @Test
  void anExpiredKeyActsAgain() {
    core.running("words");
    core.verbs.restart(core.requestWithKey("words", "key-2", RESTART_PATH), 1);
    core.clock.advance(Duration.ofHours(25));

    OperationResult again =
        core.verbs.restart(core.requestWithKey("words", "key-2", RESTART_PATH), 1);

    assertThat(again.replayed()).isFalse();
    assertThat(core.scheduler.calls()).hasSize(2);
  }

  @Test
  void aRetryWhileTheFirstOperationIsStillRunningIsBusy() {
    core.running("words");
    core.crashAfterIntentOf(Operation.Verb.RESTART);
    assertThatThrownBy(
            () -> core.verbs.restart(core.requestWithKey("words", "key-2", RESTART_PATH), 1))
        .isInstanceOf(Faults.Crash.class);
    core.hooks = OperationHooks.NONE;

    assertThatThrownBy(
            () -> core.verbs.restart(core.requestWithKey("words", "key-2", RESTART_PATH), 1))
        .isInstanceOf(BusyException.class)
        .hasMessageContaining("still running");

    assertThat(core.scheduler.calls()).isEmpty();
  }

  @Test
  void aKeyClaimedByARacingRequestAnswersWithThatRequestsOutcome() {
    core.running("words");
    OperationResult winner = core.verbs.restart(core.request("words"), 1);
    core.operations.faults.failNext(
        "begin",
        new IdempotencyKeyUsedException(
            "Idempotency-Key 'key-3' was already used", winner.operation().id(), null));
    core.forgetCalls();

    OperationResult loser =
        core.verbs.restart(core.requestWithKey("words", "key-3", RESTART_PATH), 1);

    assertThat(loser.replayed()).isTrue();
    assertThat(loser.operation().id()).isEqualTo(winner.operation().id());
    assertThat(core.scheduler.calls()).isEmpty();
    assertThat(core.record("words").lastOperationId()).isEqualTo(winner.operation().id());
  }

  @Test
  void aWrongIfMatchIsAPreconditionFailureAndNothingIsWritten() {
    TopologyRecord record = core.running("words");
    int writes = core.topologies.writes();
    int operations = core.operations.all().size();

    assertThatThrownBy(
            () ->
                core.verbs.restart(
                    core.requestIfMatch("words", "\"" + (record.version() + 1) + "\""), 1))
        .isInstanceOf(PreconditionFailedException.class)
        .hasMessageContaining("\"" + record.version() + "\"");

    assertThat(core.record("words")).isEqualTo(record);
    assertThat(core.topologies.writes()).isEqualTo(writes);
    assertThat(core.operations.all()).hasSize(operations);
    assertThat(core.scheduler.calls()).isEmpty();
    assertThat(core.locks.isHeld(key("words"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"%d\"", "W/\"%d\"", "*", "\"99\", \"%d\""})
  void aMatchingIfMatchProceeds(String format) {
    TopologyRecord record = core.running("words");

    OperationResult result =
        core.lifecycle.kill(core.requestIfMatch("words", String.format(format, record.version())));

    assertThat(result.operation().outcome()).isEqualTo(Operation.Outcome.SUCCEEDED);
    assertThat(core.hasRecord("words")).isFalse();
    assertThat(core.scheduler.calls()).containsExactly("killJob local/alice/devel/words");
  }

  @Test
  void aLockHeldElsewhereIsBusyAndNothingIsWritten() {
    TopologyRecord record = core.running("words");
    int writes = core.topologies.writes();
    core.locks.holdElsewhere(key("words"));

    assertThatThrownBy(() -> core.lifecycle.kill(core.request("words")))
        .isInstanceOf(BusyException.class)
        .satisfies(e -> assertThat(((BusyException) e).retryAfterSeconds()).isPositive());

    assertThat(core.record("words")).isEqualTo(record);
    assertThat(core.topologies.writes()).isEqualTo(writes);
    assertThat(core.operations.all()).hasSize(1);
    assertThat(core.scheduler.calls()).isEmpty();
  }

  @Test
  void aVerbTheStateDoesNotAllowIsAConflictAndRecordsNoOperation() {
    core.running("words");

    assertThatThrownBy(() -> core.verbs.activate(core.request("words")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already RUNNING");

    assertThat(core.operations.all()).hasSize(1);
    assertThat(core.topologyManager.calls()).isEmpty();
  }

  @Test
  void aVerbOnAMissingTopologyIsNotFound() {
    assertThatThrownBy(() -> core.verbs.restart(core.request("nothing"), null))
        .isInstanceOf(NotFoundException.class);

    assertThat(core.operations.all()).isEmpty();
  }

  @Test
  void anAsyncVerbIsAcceptedRunningAndEndsInTheBackground() {
    core.running("words");
    OperationRequest async = new OperationRequest(key("words"), "alice", null, null, null, true);

    OperationResult accepted = core.verbs.restart(async, 1);

    assertThat(accepted.accepted()).isTrue();
    assertThat(accepted.operation().outcome()).isEqualTo(Operation.Outcome.RUNNING);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(core.operations.find(accepted.operation().id()).orElseThrow().outcome())
                    .isEqualTo(Operation.Outcome.SUCCEEDED));
    assertThat(core.scheduler.calls()).containsExactly("restart [1] local/alice/devel/words");
  }
}
