package io.heroncp.simulator;

import static io.heroncp.simulator.ConfigurationValidator.canonical;

import io.heroncp.aurora.thrift.BatchJobUpdateStrategy;
import io.heroncp.aurora.thrift.InstanceTaskConfig;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobUpdateAction;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.JobUpdateStatus;
import io.heroncp.aurora.thrift.JobUpdateStrategy;
import io.heroncp.aurora.thrift.QueueJobUpdateStrategy;
import io.heroncp.aurora.thrift.Range;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's job updates ({@link SimulatedJobUpdate}s), rolled forward with queue semantics on
 * a timer tick: {@code groupSize} instances in flight (the first group of a variable batch
 * strategy), each done once its new task has been RUNNING for {@code minWaitInInstanceRunningMs}. A
 * coordinated update without a recent pulse waits in ROLL_FORWARD_AWAITING_PULSE. There is no
 * failure handling or rollback: an instance whose new task keeps failing holds the update until it
 * is aborted.
 *
 * <p>Callers hold {@code lock}; the tick takes it itself.
 */
final class JobUpdater {

  private static final Logger log = LoggerFactory.getLogger(JobUpdater.class);
  static final Duration TICK = Duration.ofMillis(50);
  private static final int MAX_UPDATE_INSTANCE_FAILURES = 20000;

  private final Object lock;
  private final SimulatedTaskStore tasks;
  private final TaskStateMachine stateMachine;
  private final Clock clock;
  private final Map<String, SimulatedJobUpdate> updates = new LinkedHashMap<>();

  JobUpdater(Object lock, SimulatedTaskStore tasks, TaskStateMachine stateMachine, Clock clock) {
    this.lock = lock;
    this.tasks = tasks;
    this.stateMachine = stateMachine;
    this.clock = clock;
  }

  /** Rolls the updates forward every {@link #TICK} on the given timer, until it is shut down. */
  void scheduleOn(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(
        this::advanceAll, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Backfills Aurora's update strategy from the deprecated settings and checks the settings as
   * Aurora does.
   *
   * @return Aurora's message for the first violation, or null when the settings are valid
   */
  static String backfillAndCheck(JobUpdateSettings settings, JobUpdateRequest request) {
    if (!settings.isSetUpdateStrategy()) {
      settings.setUpdateStrategy(
          settings.isWaitForBatchCompletion()
              ? JobUpdateStrategy.batchStrategy(
                  new BatchJobUpdateStrategy(settings.getUpdateGroupSize(), false))
              : JobUpdateStrategy.queueStrategy(
                  new QueueJobUpdateStrategy(settings.getUpdateGroupSize())));
    }
    JobUpdateStrategy strategy = settings.getUpdateStrategy();
    if (strategy.isSetVarBatchStrategy()) {
      List<Integer> sizes = strategy.getVarBatchStrategy().getGroupSizes();
      if (sizes == null || sizes.isEmpty() || sizes.stream().anyMatch(size -> size <= 0)) {
        return "All update group sizes must be positive.";
      }
    } else if (SimulatedJobUpdate.groupSize(strategy) <= 0) {
      return "Update results in no instance being modified.";
    }
    if (settings.getMaxPerInstanceFailures() < 0) {
      return "maxPerInstanceFailures must be non-negative.";
    }
    if (settings.getMaxFailedInstances() < 0) {
      return "maxFailedInstances must be non-negative.";
    }
    if ((long) settings.getMaxPerInstanceFailures() * request.getInstanceCount()
        > MAX_UPDATE_INSTANCE_FAILURES) {
      return "Your update allows too many failures to occur, consider decreasing the per-instance"
          + " failures or maxFailedInstances.";
    }
    if (settings.getMinWaitInInstanceRunningMs() < 0) {
      return "minWaitInInstanceRunningMs must be non-negative.";
    }
    if (settings.isSetBlockIfNoPulsesAfterMs() && settings.getBlockIfNoPulsesAfterMs() < 0) {
      return "blockIfNoPulsesAfterMs must be positive.";
    }
    if (settings.isSlaAware() && !request.getTaskConfig().isSetSlaPolicy()) {
      return "slaAware is true, but no task slaPolicy is specified.";
    }
    return null;
  }

  /**
   * Instances the update changes: differing, missing or surplus active instances, minus exclusions.
   */
  Set<Integer> scope(
      JobKey job, TaskConfig desired, int instanceCount, JobUpdateSettings settings) {
    Map<Integer, ScheduledTask> active = new HashMap<>();
    for (ScheduledTask task : tasks.active(job)) {
      active.put(task.getAssignedTask().getInstanceId(), task);
    }
    Set<Integer> candidates = new TreeSet<>(active.keySet());
    for (int instance = 0; instance < instanceCount; instance++) {
      candidates.add(instance);
    }
    Set<Integer> requested = instancesIn(settings.getUpdateOnlyTheseInstances());
    Set<Integer> scope = new TreeSet<>();
    for (int instance : candidates) {
      if (!requested.isEmpty() && !requested.contains(instance)) {
        continue;
      }
      ScheduledTask task = active.get(instance);
      boolean wanted = instance < instanceCount;
      if (wanted && (task == null || !task.getAssignedTask().getTask().equals(desired))) {
        scope.add(instance);
      } else if (!wanted && task != null) {
        scope.add(instance);
      }
    }
    return scope;
  }

  static Set<Integer> instancesIn(Set<Range> ranges) {
    Set<Integer> instances = new TreeSet<>();
    if (ranges != null) {
      for (Range range : ranges) {
        for (int instance = range.getFirst(); instance <= range.getLast(); instance++) {
          instances.add(instance);
        }
      }
    }
    return instances;
  }

  /**
   * Starts a checked update of {@code scope}: rolling forward, or awaiting its first pulse when
   * coordinated.
   */
  SimulatedJobUpdate start(
      JobUpdateRequest request,
      TaskConfig desired,
      JobUpdateSettings settings,
      Set<Integer> scope,
      String message) {
    JobKey job = desired.getJob();
    JobUpdateKey key = new JobUpdateKey(job.deepCopy(), UUID.randomUUID().toString());
    SimulatedJobUpdate update =
        new SimulatedJobUpdate(
            key, request, desired, settings, scope, initialState(job, scope), clock.millis());
    updates.put(key.getId(), update);
    update.changeStatus(
        update.coordinated()
            ? JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE
            : JobUpdateStatus.ROLLING_FORWARD,
        message,
        clock.millis());
    tasks.journal().updateChanged(update);
    log.info("Started update {} of {} on instances {}", key.getId(), canonical(job), scope);
    return update;
  }

  /** Aurora's initial state: the configs of the active instances the update replaces or removes. */
  private Set<InstanceTaskConfig> initialState(JobKey job, Set<Integer> scope) {
    Set<InstanceTaskConfig> state = new LinkedHashSet<>();
    tasks
        .activeInstancesByConfig(job, scope::contains)
        .forEach(
            (config, instances) ->
                state.add(
                    new InstanceTaskConfig(
                        config.deepCopy(), SimulatedTaskStore.ranges(instances))));
    return state;
  }

  /** The update with exactly this key (id and job), or null. */
  SimulatedJobUpdate find(JobUpdateKey key) {
    SimulatedJobUpdate update = key == null ? null : updates.get(key.getId());
    return update == null || !update.key.equals(key) ? null : update;
  }

  /** The job's active update, or null. */
  SimulatedJobUpdate active(JobKey job) {
    for (SimulatedJobUpdate update : updates.values()) {
      if (update.key.getJob().equals(job) && update.isActive()) {
        return update;
      }
    }
    return null;
  }

  /** The updates a query matches, most recently modified first, offset and limit applied. */
  List<SimulatedJobUpdate> query(JobUpdateQuery query) {
    JobUpdateQuery q = query == null ? new JobUpdateQuery() : query;
    List<SimulatedJobUpdate> matching =
        updates.values().stream()
            .filter(
                update -> q.getRole() == null || q.getRole().equals(update.key.getJob().getRole()))
            .filter(update -> q.getKey() == null || q.getKey().equals(update.key))
            .filter(update -> q.getJobKey() == null || q.getJobKey().equals(update.key.getJob()))
            .filter(update -> q.getUser() == null || q.getUser().equals(AuroraSimulator.AUDIT_USER))
            .filter(
                update ->
                    q.getUpdateStatuses() == null
                        || q.getUpdateStatuses().isEmpty()
                        || q.getUpdateStatuses().contains(update.status()))
            .sorted(
                Comparator.comparingLong((SimulatedJobUpdate update) -> update.lastModifiedMs)
                    .reversed())
            .collect(Collectors.toList());
    int from = Math.min(Math.max(q.getOffset(), 0), matching.size());
    int to = q.getLimit() > 0 ? Math.min(from + q.getLimit(), matching.size()) : matching.size();
    return matching.subList(from, to);
  }

  void changeStatus(SimulatedJobUpdate update, JobUpdateStatus status, String message) {
    update.changeStatus(status, message, clock.millis());
    tasks.journal().updateChanged(update);
    log.info(
        "Update {} of {} is now {}", update.key.getId(), canonical(update.key.getJob()), status);
  }

  /** Where a resumed update goes: awaiting a pulse when coordinated and its last one is too old. */
  JobUpdateStatus resumedStatus(SimulatedJobUpdate update) {
    return update.coordinated() && update.pulseExpired(clock.millis())
        ? JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE
        : JobUpdateStatus.ROLLING_FORWARD;
  }

  /** Records a pulse of a coordinated update; one awaiting a pulse rolls forward again. */
  void pulse(SimulatedJobUpdate update) {
    update.lastPulseMs = clock.millis();
    if (update.status() == JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE) {
      update.changeStatus(JobUpdateStatus.ROLLING_FORWARD, null, clock.millis());
      tasks.journal().updateChanged(update);
    }
  }

  private void advanceAll() {
    synchronized (lock) {
      try {
        long now = clock.millis();
        for (SimulatedJobUpdate update : updates.values()) {
          long modified = update.lastModifiedMs;
          int events = update.events.size() + update.instanceEvents.size();
          advanceOne(update, now);
          if (update.lastModifiedMs != modified
              || update.events.size() + update.instanceEvents.size() != events) {
            tasks.journal().updateChanged(update);
          }
        }
      } catch (RuntimeException e) {
        log.error("Simulated update step failed", e);
      }
    }
  }

  /** Puts back an update read from the journal; its progress continues on the next tick. */
  void restore(SimulatedJobUpdate update) {
    updates.put(update.key.getId(), update);
  }

  private void advanceOne(SimulatedJobUpdate update, long now) {
    if (update.status() == JobUpdateStatus.ROLLING_FORWARD
        && update.coordinated()
        && update.pulseExpired(now)) {
      update.changeStatus(
          JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE,
          "Pulses from external service have timed out.",
          now);
    }
    if (update.status() == JobUpdateStatus.ROLLING_FORWARD) {
      advance(update, now);
    }
  }

  private void advance(SimulatedJobUpdate update, long now) {
    JobKey job = update.key.getJob();
    for (Integer instance : new ArrayList<>(update.inFlight)) {
      if (settled(update, instance, now)) {
        update.inFlight.remove(instance);
        update.instanceEvent(instance, JobUpdateAction.INSTANCE_UPDATED, now);
      }
    }
    while (update.inFlight.size() < update.groupSize && !update.queue.isEmpty()) {
      int instance = update.queue.poll();
      update.inFlight.add(instance);
      update.instanceEvent(instance, JobUpdateAction.INSTANCE_UPDATING, now);
    }
    for (int instance : update.inFlight) {
      ScheduledTask active = tasks.active(job, instance);
      boolean wanted = instance < update.request.getInstanceCount();
      if (active == null) {
        if (wanted) {
          stateMachine.launch(update.desired, instance);
        }
      } else if (!wanted || !active.getAssignedTask().getTask().equals(update.desired)) {
        stateMachine.kill(active, "Killed for job update " + update.key.getId());
      }
    }
    if (update.inFlight.isEmpty() && update.queue.isEmpty()) {
      update.changeStatus(JobUpdateStatus.ROLLED_FORWARD, null, now);
      log.info("Update {} of {} rolled forward", update.key.getId(), canonical(job));
    }
  }

  private boolean settled(SimulatedJobUpdate update, int instance, long now) {
    ScheduledTask active = tasks.active(update.key.getJob(), instance);
    if (instance >= update.request.getInstanceCount()) {
      return active == null;
    }
    if (active == null
        || active.getStatus() != ScheduleStatus.RUNNING
        || !active.getAssignedTask().getTask().equals(update.desired)) {
      return false;
    }
    List<TaskEvent> events = active.getTaskEvents();
    long runningSince = events.get(events.size() - 1).getTimestamp();
    return now - runningSince >= update.settings.getMinWaitInInstanceRunningMs();
  }
}
