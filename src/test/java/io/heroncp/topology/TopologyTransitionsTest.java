package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.problems.ConflictException;
import io.heroncp.problems.NotFoundException;
import io.heroncp.topology.Operation.Verb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The lifecycle's transition table, and the README showing exactly that table. */
class TopologyTransitionsTest {

  @Test
  void restartGoesThroughRestartingBackToWhereItStarted() {
    TopologyTransitions.check(Verb.RESTART, TopologyState.RUNNING);
    TopologyTransitions.check(Verb.RESTART, TopologyState.PAUSED);

    assertThat(TopologyTransitions.inProgress(Verb.RESTART)).isEqualTo(TopologyState.RESTARTING);
    assertThat(TopologyTransitions.target(Verb.RESTART, TopologyState.PAUSED))
        .isEqualTo(TopologyState.PAUSED);
    assertThat(TopologyTransitions.target(Verb.RESTART, TopologyState.RUNNING))
        .isEqualTo(TopologyState.RUNNING);
  }

  @Test
  void updateGoesThroughUpdatingBackToWhereItStarted() {
    assertThat(TopologyTransitions.of(Verb.UPDATE).from())
        .containsExactlyInAnyOrder(TopologyState.RUNNING, TopologyState.PAUSED);
    assertThat(TopologyTransitions.inProgress(Verb.UPDATE)).isEqualTo(TopologyState.UPDATING);
    assertThat(TopologyTransitions.target(Verb.UPDATE, TopologyState.PAUSED))
        .isEqualTo(TopologyState.PAUSED);
  }

  @Test
  void activateAndDeactivateSwitchBetweenPausedAndRunningWithoutAnInProgressState() {
    assertThat(TopologyTransitions.of(Verb.ACTIVATE).from()).containsExactly(TopologyState.PAUSED);
    assertThat(TopologyTransitions.target(Verb.ACTIVATE, TopologyState.PAUSED))
        .isEqualTo(TopologyState.RUNNING);
    assertThat(TopologyTransitions.inProgress(Verb.ACTIVATE)).isNull();
    assertThat(TopologyTransitions.of(Verb.DEACTIVATE).from())
        .containsExactly(TopologyState.RUNNING);
    assertThat(TopologyTransitions.target(Verb.DEACTIVATE, TopologyState.RUNNING))
        .isEqualTo(TopologyState.PAUSED);
    assertThat(TopologyTransitions.inProgress(Verb.DEACTIVATE)).isNull();
  }

  @Test
  void activatingARunningTopologyConflictsAndSaysItIsAlreadyRunning() {
    assertThatThrownBy(() -> TopologyTransitions.check(Verb.ACTIVATE, TopologyState.RUNNING))
        .isInstanceOfSatisfying(
            ConflictException.class, e -> assertThat(e.field()).isEqualTo("state"))
        .hasMessageStartingWith(
            "activate is not allowed while the topology is RUNNING; allowed from PAUSED")
        .hasMessageContaining("already RUNNING");
  }

  @Test
  void killIsAllowedFromEveryStateButSubmittingAndKilled() {
    EnumSet<TopologyState> allowed =
        EnumSet.complementOf(EnumSet.of(TopologyState.SUBMITTING, TopologyState.KILLED));
    for (TopologyState state : TopologyState.values()) {
      assertThat(TopologyTransitions.allowed(Verb.KILL, state))
          .as(state.name())
          .isEqualTo(allowed.contains(state));
    }
    assertThat(TopologyTransitions.inProgress(Verb.KILL)).isEqualTo(TopologyState.KILLING);
    assertThat(TopologyTransitions.target(Verb.KILL, TopologyState.FAILED))
        .isEqualTo(TopologyState.KILLED);
  }

  @ParameterizedTest
  @EnumSource(
      value = Verb.class,
      names = {"KILL", "FAIL"},
      mode = EnumSource.Mode.EXCLUDE)
  void aFailedTopologyCanOnlyBeKilled(Verb verb) {
    assertThatThrownBy(() -> TopologyTransitions.check(verb, TopologyState.FAILED))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is not allowed while the topology is FAILED")
        .hasMessageContaining("can only be killed");
  }

  @Test
  void anOperationInProgressBlocksEverythingButKill() {
    assertThatThrownBy(() -> TopologyTransitions.check(Verb.RESTART, TopologyState.UPDATING))
        .isInstanceOf(ConflictException.class)
        .hasMessage(
            "restart is not allowed while the topology is UPDATING; allowed from RUNNING, PAUSED; "
                + "STARTING, RESTARTING, UPDATING once their operation ended. Another operation is in "
                + "progress, or the topology is not ready again yet: retry later");
    assertThatThrownBy(() -> TopologyTransitions.check(Verb.KILL, TopologyState.SUBMITTING))
        .isInstanceOf(ConflictException.class)
        .hasMessageStartingWith(
            "kill is not allowed while the topology is SUBMITTING; allowed from STARTING, RUNNING, "
                + "PAUSED, RESTARTING, UPDATING, KILLING, FAILED");
    TopologyTransitions.check(Verb.KILL, TopologyState.KILLING);
    assertThat(TopologyTransitions.isInProgress(TopologyState.SUBMITTING)).isTrue();
    assertThat(TopologyTransitions.isInProgress(TopologyState.PAUSED)).isFalse();
  }

  @Test
  void submitNeedsThatNoTopologyExistsAndOtherVerbsNeedOne() {
    TopologyTransitions.check(Verb.SUBMIT, null);
    assertThat(TopologyTransitions.inProgress(Verb.SUBMIT)).isEqualTo(TopologyState.SUBMITTING);
    assertThat(TopologyTransitions.of(Verb.SUBMIT).to()).containsExactly(TopologyState.STARTING);

    assertThatThrownBy(() -> TopologyTransitions.check(Verb.SUBMIT, TopologyState.PAUSED))
        .isInstanceOf(ConflictException.class)
        .hasMessageStartingWith(
            "submit is not allowed while the topology is PAUSED; allowed from no topology");
    assertThatThrownBy(() -> TopologyTransitions.check(Verb.RESTART, null))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void everyVerbHasOneRow() {
    assertThat(TopologyTransitions.all())
        .extracting(TopologyTransitions.Transition::verb)
        .containsExactlyElementsOf(EnumSet.complementOf(EnumSet.of(Verb.FAIL)));
  }

  @Test
  void aSettlingTopologyMayBeRestartedOrKilledAtOnceWhileOtherVerbsWaitForIt() {
    TopologyRecord starting =
        CoreFixtureRecords.record(TopologyState.STARTING, TopologyState.RUNNING);

    TopologyTransitions.checkRecord(Verb.RESTART, starting);
    TopologyTransitions.checkRecord(Verb.KILL, starting);
    assertThat(TopologyTransitions.base(starting)).isEqualTo(TopologyState.RUNNING);
    assertThat(TopologyTransitions.needsReady(Verb.DEACTIVATE)).isTrue();
    assertThat(TopologyTransitions.needsReady(Verb.UPDATE)).isTrue();
    assertThat(TopologyTransitions.needsReady(Verb.RESTART)).isFalse();
    assertThat(TopologyTransitions.needsReady(Verb.KILL)).isFalse();
    assertThatThrownBy(() -> TopologyTransitions.checkRecord(Verb.DEACTIVATE, starting))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("The topology is starting");
    // An UPDATING topology whose operation is still in flight (nothing to settle to) is busy.
    TopologyRecord updating = CoreFixtureRecords.record(TopologyState.UPDATING, null);
    assertThatThrownBy(() -> TopologyTransitions.checkRecord(Verb.RESTART, updating))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void readmeShowsExactlyTheTransitionTable() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    String start = "<!-- transitions:start -->\n";
    String end = "<!-- transitions:end -->";

    assertThat(readme).contains(start).contains(end);
    String shown = readme.substring(readme.indexOf(start) + start.length(), readme.indexOf(end));
    assertThat(shown.strip()).isEqualTo(TopologyTransitions.markdownTable().strip());
  }
}
