package io.heroncp.simulator;

import io.heroncp.aurora.thrift.AssignedTask;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle of simulated tasks, as Aurora's {@code TaskStateMachine} drives it: PENDING →
 * ASSIGNED → STARTING → RUNNING on the configured delays; kills through KILLING → KILLED, restarts
 * through RESTARTING → KILLED plus a new PENDING task. While a task is STARTING the {@link
 * SimulatedAgent} runs its fetch processes; when one fails the task becomes FAILED with the reason
 * and, as in Aurora, a service task (or one with failures left under {@code maxTaskFailures}) is
 * rescheduled: a new task with the failed one as ancestor and {@code failureCount + 1}, first
 * THROTTLED for the flapping penalty when it never ran ({@code flapping-task-delay}, doubled per
 * consecutive such failure, capped at {@code max-flapping-task-delay}), then PENDING. Terminal
 * tasks are retained, the newest 100 per job (Aurora's {@code -history_max_per_job_threshold}
 * default). A PENDING task that is killed also goes through KILLING (Aurora would delete it at
 * once).
 *
 * <p>Callers hold {@code lock}; timer steps take it themselves. Every status entered is published
 * to the {@link TaskStatusNotifier}.
 */
final class TaskStateMachine {

  private static final Logger log = LoggerFactory.getLogger(TaskStateMachine.class);
  static final int MAX_TASK_ID_LENGTH = 255 - 90;
  private static final int MAX_RETAINED_TERMINAL_TASKS_PER_JOB = 100;
  private static final String KILLED_BY_EXECUTOR = "Task killed by the simulated executor.";

  private final Object lock;
  private final SimulatedTaskStore tasks;
  private final SimulatorProperties properties;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final SimulatedAgent agent;
  private final TaskStatusNotifier notifier;

  TaskStateMachine(
      Object lock,
      SimulatedTaskStore tasks,
      SimulatorProperties properties,
      Clock clock,
      ScheduledExecutorService timer,
      SimulatedAgent agent,
      TaskStatusNotifier notifier) {
    this.lock = lock;
    this.tasks = tasks;
    this.properties = properties;
    this.clock = clock;
    this.timer = timer;
    this.agent = agent;
    this.notifier = notifier;
  }

  /** A new PENDING task for one instance. */
  void launch(TaskConfig config, int instanceId) {
    insertTask(config, instanceId, null, 0, null);
  }

  /**
   * Moves an active task to KILLING; false when it already is (Aurora treats KILLING → KILLING as a
   * no-op).
   */
  boolean kill(ScheduledTask task, String message) {
    if (task.getStatus() == ScheduleStatus.KILLING) {
      return false;
    }
    changeStatus(task, ScheduleStatus.KILLING, message);
    scheduleStep(task, ScheduleStatus.KILLING, properties.killingDelay());
    return true;
  }

  /** Moves an active task to RESTARTING, unless it is already restarting or being killed. */
  void restart(ScheduledTask task, String message) {
    if (task.getStatus() != ScheduleStatus.RESTARTING
        && task.getStatus() != ScheduleStatus.KILLING) {
      changeStatus(task, ScheduleStatus.RESTARTING, message);
      scheduleStep(task, ScheduleStatus.RESTARTING, properties.killingDelay());
    }
  }

  /**
   * Continues a task read back from the journal after a restart: a task in transition gets the rest
   * of its timer (measured from its last event), a STARTING task runs its fetches again (the agent
   * restarted); RUNNING and terminal tasks stay as they are.
   */
  void resume(ScheduledTask task) {
    List<TaskEvent> events = task.getTaskEvents();
    long since =
        events == null || events.isEmpty() ? 0 : events.get(events.size() - 1).getTimestamp();
    long elapsed = Math.max(0, clock.millis() - since);
    switch (task.getStatus()) {
      case THROTTLED ->
          scheduleStep(task, ScheduleStatus.THROTTLED, rest(penaltyOf(task), elapsed));
      case PENDING ->
          scheduleStep(task, ScheduleStatus.PENDING, rest(properties.pendingDelay(), elapsed));
      case ASSIGNED ->
          scheduleStep(task, ScheduleStatus.ASSIGNED, rest(properties.assignedDelay(), elapsed));
      case STARTING -> {
        List<SandboxFetcher.Fetch> fetches =
            SandboxFetcher.fetches(task.getAssignedTask().getTask());
        if (fetches.isEmpty()) {
          scheduleStep(task, ScheduleStatus.STARTING, rest(properties.startingDelay(), elapsed));
        } else {
          fetchThenStart(task.getAssignedTask().getTaskId(), fetches);
        }
      }
      case KILLING, RESTARTING ->
          scheduleStep(task, task.getStatus(), rest(properties.killingDelay(), elapsed));
      default -> {}
    }
  }

  private static Duration rest(Duration delay, long elapsedMillis) {
    return Duration.ofMillis(Math.max(0, delay.toMillis() - elapsedMillis));
  }

  /** The flapping penalty a THROTTLED task was given, from its event's message. */
  private Duration penaltyOf(ScheduledTask task) {
    List<TaskEvent> events = task.getTaskEvents();
    String message = events.isEmpty() ? null : events.get(events.size() - 1).getMessage();
    if (message != null) {
      java.util.regex.Matcher matcher =
          java.util.regex.Pattern.compile("penalized for (\\d+) ms").matcher(message);
      if (matcher.find()) {
        return Duration.ofMillis(Long.parseLong(matcher.group(1)));
      }
    }
    return properties.flappingTaskDelay();
  }

  /**
   * Aurora's {@code TaskIdGenerator}: role-env-name-instance-uuid, with characters outside [\w-] as
   * '-'.
   */
  static String taskId(JobKey job, int instanceId) {
    String raw =
        job.getRole()
            + "-"
            + job.getEnvironment()
            + "-"
            + job.getName()
            + "-"
            + instanceId
            + "-"
            + UUID.randomUUID();
    return raw.replaceAll("[^\\w-]", "-");
  }

  /**
   * Aurora's rule after a failure: services are always rescheduled, other tasks while failures are
   * left.
   */
  static boolean reschedules(TaskConfig config, int failures) {
    return config.isIsService()
        || config.getMaxTaskFailures() == -1
        || failures < config.getMaxTaskFailures();
  }

  /**
   * The wait of a task rescheduled after {@code flapsInARow} failures without running: doubled
   * each, capped.
   */
  static Optional<Duration> flappingPenalty(int flapsInARow, Duration initial, Duration max) {
    if (flapsInARow <= 0) {
      return Optional.empty();
    }
    Duration penalty = initial;
    for (int i = 1; i < flapsInARow && penalty.compareTo(max) < 0; i++) {
      penalty = penalty.multipliedBy(2);
    }
    return Optional.of(penalty.compareTo(max) > 0 ? max : penalty);
  }

  /**
   * A new task for one instance: PENDING, or THROTTLED for {@code penalty} first when there is one.
   * {@code failureCount} carries over from a failed ancestor, as Aurora's rescheduling does.
   */
  private void insertTask(
      TaskConfig config, int instanceId, String ancestorId, int failureCount, Duration penalty) {
    AssignedTask assigned =
        new AssignedTask()
            .setTaskId(taskId(config.getJob(), instanceId))
            .setTask(config.deepCopy())
            .setAssignedPorts(new HashMap<>())
            .setInstanceId(instanceId);
    ScheduledTask task =
        new ScheduledTask()
            .setAssignedTask(assigned)
            .setFailureCount(failureCount)
            .setTimesPartitioned(0)
            .setTaskEvents(new ArrayList<>());
    if (ancestorId != null) {
      task.setAncestorId(ancestorId);
    }
    tasks.add(task);
    if (penalty != null) {
      changeStatus(
          task,
          ScheduleStatus.THROTTLED,
          "Rescheduled, penalized for " + penalty.toMillis() + " ms for flapping");
      scheduleStep(task, ScheduleStatus.THROTTLED, penalty);
    } else {
      changeStatus(task, ScheduleStatus.PENDING, null);
      scheduleStep(task, ScheduleStatus.PENDING, properties.pendingDelay());
    }
  }

  private void scheduleStep(ScheduledTask task, ScheduleStatus from, Duration delay) {
    String taskId = task.getAssignedTask().getTaskId();
    try {
      timer.schedule(() -> step(taskId, from), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("Simulator closed; task {} stays {}", taskId, from);
    }
  }

  /** One timer step; does nothing if the task has moved on since it was scheduled. */
  private void step(String taskId, ScheduleStatus from) {
    synchronized (lock) {
      ScheduledTask task = tasks.get(taskId);
      if (task == null || task.getStatus() != from) {
        return;
      }
      switch (from) {
        case THROTTLED -> {
          changeStatus(task, ScheduleStatus.PENDING, null);
          scheduleStep(task, ScheduleStatus.PENDING, properties.pendingDelay());
        }
        case PENDING -> {
          agent.place(task.getAssignedTask());
          changeStatus(task, ScheduleStatus.ASSIGNED, null);
          scheduleStep(task, ScheduleStatus.ASSIGNED, properties.assignedDelay());
        }
        case ASSIGNED -> {
          changeStatus(task, ScheduleStatus.STARTING, "Initializing sandbox.");
          List<SandboxFetcher.Fetch> fetches =
              SandboxFetcher.fetches(task.getAssignedTask().getTask());
          if (fetches.isEmpty()) {
            scheduleStep(task, ScheduleStatus.STARTING, properties.startingDelay());
          } else {
            fetchThenStart(taskId, fetches);
          }
        }
        case STARTING -> changeStatus(task, ScheduleStatus.RUNNING, null);
        case KILLING -> {
          changeStatus(task, ScheduleStatus.KILLED, KILLED_BY_EXECUTOR);
          tasks.pruneHistory(
              task.getAssignedTask().getTask().getJob(), MAX_RETAINED_TERMINAL_TASKS_PER_JOB);
        }
        case RESTARTING -> {
          changeStatus(task, ScheduleStatus.KILLED, KILLED_BY_EXECUTOR);
          AssignedTask assigned = task.getAssignedTask();
          insertTask(assigned.getTask(), assigned.getInstanceId(), assigned.getTaskId(), 0, null);
          tasks.pruneHistory(assigned.getTask().getJob(), MAX_RETAINED_TERMINAL_TASKS_PER_JOB);
        }
        default -> {}
      }
    }
  }

  /**
   * Has the agent run a STARTING task's fetch processes (off the lock: downloads take time), then,
   * once the starting delay has passed, makes it RUNNING or FAILED unless it has moved on meanwhile
   * (killed, restarted).
   */
  private void fetchThenStart(String taskId, List<SandboxFetcher.Fetch> fetches) {
    long started = System.nanoTime(); // monotonic: only the elapsed time matters
    boolean fetching =
        agent.fetch(
            fetches,
            failure -> {
              long remaining = properties.startingDelay().toNanos() - (System.nanoTime() - started);
              try {
                timer.schedule(
                    () -> finishStarting(taskId, failure),
                    Math.max(0, remaining),
                    TimeUnit.NANOSECONDS);
              } catch (RejectedExecutionException e) {
                log.debug("Simulator closed; task {} stays STARTING", taskId);
              }
            });
    if (!fetching) {
      log.debug("Simulator closed; task {} stays STARTING", taskId);
    }
  }

  private void finishStarting(String taskId, Optional<String> fetchFailure) {
    synchronized (lock) {
      ScheduledTask task = tasks.get(taskId);
      if (task == null || task.getStatus() != ScheduleStatus.STARTING) {
        return;
      }
      if (fetchFailure.isEmpty()) {
        changeStatus(task, ScheduleStatus.RUNNING, null);
        return;
      }
      changeStatus(task, ScheduleStatus.FAILED, fetchFailure.get());
      log.info("Simulated task {} FAILED: {}", taskId, fetchFailure.get());
      AssignedTask assigned = task.getAssignedTask();
      TaskConfig config = assigned.getTask();
      int failures = task.getFailureCount() + 1;
      if (reschedules(config, failures)) {
        Duration penalty =
            flappingPenalty(
                    flapsInARow(task),
                    properties.flappingTaskDelay(),
                    properties.maxFlappingTaskDelay())
                .orElse(null);
        insertTask(config, assigned.getInstanceId(), taskId, failures, penalty);
      }
      tasks.pruneHistory(config.getJob(), MAX_RETAINED_TERMINAL_TASKS_PER_JOB);
    }
  }

  /** Aurora's flapping: consecutive FAILED tasks up the ancestor chain that never ran. */
  private int flapsInARow(ScheduledTask failed) {
    int flaps = 0;
    ScheduledTask task = failed;
    while (task != null
        && task.getStatus() == ScheduleStatus.FAILED
        && !everRan(task)
        && flaps < 32) {
      flaps++;
      task = task.isSetAncestorId() ? tasks.get(task.getAncestorId()) : null;
    }
    return flaps;
  }

  private static boolean everRan(ScheduledTask task) {
    return task.getTaskEvents().stream()
        .anyMatch(event -> event.getStatus() == ScheduleStatus.RUNNING);
  }

  private void changeStatus(ScheduledTask task, ScheduleStatus status, String message) {
    task.setStatus(status);
    TaskEvent event = new TaskEvent(clock.millis(), status).setScheduler(properties.host());
    if (message != null) {
      event.setMessage(message);
    }
    task.addToTaskEvents(event);
    tasks.journal().taskChanged(task);
    log.debug("Task {} is now {}", task.getAssignedTask().getTaskId(), status);
    notifier.publish(task);
  }
}
