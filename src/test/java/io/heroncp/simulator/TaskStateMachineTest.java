package io.heroncp.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.TaskConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Aurora's rescheduling rules as the state machine applies them after a failed task. */
class TaskStateMachineTest {

  private static final Duration INITIAL = Duration.ofSeconds(30);
  private static final Duration MAX = Duration.ofMinutes(5);

  @Test
  void aTaskThatRanBeforeFailingIsRescheduledWithoutPenalty() {
    assertThat(TaskStateMachine.flappingPenalty(0, INITIAL, MAX)).isEmpty();
  }

  @Test
  void theFlappingPenaltyDoublesPerFailureInARowUpToTheCap() {
    assertThat(TaskStateMachine.flappingPenalty(1, INITIAL, MAX)).contains(Duration.ofSeconds(30));
    assertThat(TaskStateMachine.flappingPenalty(2, INITIAL, MAX)).contains(Duration.ofSeconds(60));
    assertThat(TaskStateMachine.flappingPenalty(4, INITIAL, MAX)).contains(Duration.ofSeconds(240));
    assertThat(TaskStateMachine.flappingPenalty(5, INITIAL, MAX)).contains(MAX);
    assertThat(TaskStateMachine.flappingPenalty(32, INITIAL, MAX)).contains(MAX);
  }

  @Test
  void anInitialPenaltyAboveTheCapIsCapped() {
    assertThat(TaskStateMachine.flappingPenalty(1, Duration.ofMinutes(10), MAX)).contains(MAX);
  }

  @Test
  void servicesAreAlwaysRescheduledOtherTasksOnlyWhileFailuresAreLeft() {
    TaskConfig service = new TaskConfig().setIsService(true).setMaxTaskFailures(1);
    TaskConfig batch = new TaskConfig().setIsService(false).setMaxTaskFailures(3);
    TaskConfig unlimited = new TaskConfig().setIsService(false).setMaxTaskFailures(-1);

    assertThat(TaskStateMachine.reschedules(service, 100)).isTrue();
    assertThat(TaskStateMachine.reschedules(batch, 2)).isTrue();
    assertThat(TaskStateMachine.reschedules(batch, 3)).isFalse();
    assertThat(TaskStateMachine.reschedules(unlimited, 100)).isTrue();
  }

  @Test
  void taskIdsFollowAurorasGeneratorWithUnsafeCharactersReplaced() {
    String id = TaskStateMachine.taskId(new JobKey("www.data", "prod", "my job"), 7);

    assertThat(id).matches("www-data-prod-my-job-7-[0-9a-f-]{36}");
  }
}
