package io.heroncp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.TaskQuery;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's task-status hook: every status, in order, delivered off the simulator's monitor.
 */
class TaskStatusListenerTest {

  private final AuroraSimulator simulator = new AuroraSimulator(SimulatorFixtures.properties());

  @AfterEach
  void close() {
    simulator.close();
  }

  @Test
  void listenerHearsEveryStatusOfEveryInstanceInOrderAndMayCallTheSimulatorBack() {
    JobKey key = SimulatorFixtures.key("heard");
    List<String> heard = new CopyOnWriteArrayList<>();
    List<Integer> activeSeenFromListener = new CopyOnWriteArrayList<>();
    simulator.addTaskStatusListener(
        change -> {
          heard.add(change.instanceId() + ":" + change.status());
          // Calling back would deadlock if listeners ran under the simulator's monitor on another
          // thread's behalf.
          activeSeenFromListener.add(
              simulator
                  .getTasksStatus(new TaskQuery().setJobKeys(Set.of(key)))
                  .getResult()
                  .getScheduleStatusResult()
                  .getTasksSize());
          assertThat(change.job()).isEqualTo(key);
          assertThat(change.task().getJob()).isEqualTo(key);
        });

    assertThat(simulator.createJob(SimulatorFixtures.job(key, 2)).getResponseCode())
        .isEqualTo(ResponseCode.OK);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> heard.contains("0:RUNNING") && heard.contains("1:RUNNING"));
    assertThat(simulator.restartShards(key, Set.of(0)).getResponseCode())
        .isEqualTo(ResponseCode.OK);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> heard.stream().filter("0:RUNNING"::equals).count() == 2);

    assertThat(heard.stream().filter(entry -> entry.startsWith("0:")).toList())
        .containsExactly(
            "0:PENDING",
            "0:ASSIGNED",
            "0:STARTING",
            "0:RUNNING",
            "0:RESTARTING",
            "0:KILLED",
            "0:PENDING",
            "0:ASSIGNED",
            "0:STARTING",
            "0:RUNNING");
    assertThat(heard.stream().filter(entry -> entry.startsWith("1:")).toList())
        .containsExactly("1:PENDING", "1:ASSIGNED", "1:STARTING", "1:RUNNING");
    assertThat(activeSeenFromListener).isNotEmpty().allMatch(count -> count >= 2);
  }

  @Test
  void removedListenerHearsNothingMore() {
    JobKey key = SimulatorFixtures.key("unheard");
    List<ScheduleStatus> heard = new CopyOnWriteArrayList<>();
    TaskStatusListener listener = change -> heard.add(change.status());
    simulator.addTaskStatusListener(listener);
    simulator.removeTaskStatusListener(listener);
    List<ScheduleStatus> control = new CopyOnWriteArrayList<>();
    simulator.addTaskStatusListener(change -> control.add(change.status()));

    simulator.createJob(SimulatorFixtures.job(key, 1));

    await().atMost(Duration.ofSeconds(10)).until(() -> control.contains(ScheduleStatus.RUNNING));
    assertThat(heard).isEmpty();
  }
}
