package io.heroncp.simulator;

import static io.heroncp.simulator.AuroraResponses.assertValid;
import static io.heroncp.simulator.ConfigurationValidator.canonical;

import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.InstanceKey;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdatePulseStatus;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.JobUpdateStatus;
import io.heroncp.aurora.thrift.PulseJobUpdateResult;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.Result;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.StartJobUpdateResult;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.simulator.ConfigurationValidator.InvalidConfigurationException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory Apache Aurora scheduler behind the simulator's Thrift endpoint: Aurora's API with
 * its validation, response codes and messages (see {@code aurora-api.md}). Tasks move through the
 * {@link TaskStateMachine} on the {@link SimulatedAgent}; job updates roll forward in the {@link
 * JobUpdater}. Role quotas as configured ({@link SimulatedQuotas}); no cron jobs or admin calls.
 * Authentication is not modelled here (the HTTP layer does it), so audit users are {@code
 * UNSECURE}, as in an Aurora scheduler without authentication, and an invalid job key on a mutating
 * call is ERROR.
 *
 * <p>Every status a task enters is reported to the {@link TaskStatusListener}s (the
 * topology-manager stand-in follows jobs this way), on an event thread of its own, after the step
 * that caused it.
 *
 * <p>Thread-safe: every call, timer step and update tick runs under one lock. Returned structs are
 * copies. Call {@link #close()} to stop the timer, agent and event threads.
 */
public final class AuroraSimulator implements AuroraSchedulerManager.Iface, AutoCloseable {

  /** Aurora's {@code -max_tasks_per_job} default. */
  public static final int MAX_TASKS_PER_JOB = 4000;

  static final String NO_TASKS_TO_KILL = "No tasks to kill.";
  static final String AUDIT_USER = "UNSECURE";
  private static final Logger log = LoggerFactory.getLogger(AuroraSimulator.class);
  private static final Set<JobUpdateStatus> ACTIVE_UPDATE =
      aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES;

  private final SimulatorProperties properties;
  private final ConfigurationValidator validator;
  private final ScheduledExecutorService timer;
  private final SimulatedAgent agent;
  private final TaskStatusNotifier notifier = new TaskStatusNotifier();
  // Guards tasks, the state machine and the updates. Task insertion order = creation order = query
  // order.
  private final Object lock = new Object();
  private final SimulatedTaskStore tasks = new SimulatedTaskStore();
  private final TaskStateMachine stateMachine;
  private final JobUpdater updates;
  private final AuroraResponses responses;
  private final SimulatedReadOnlyScheduler reads;
  private final SimulatedQuotas quotas;

  /** Creates the scheduler on the system clock and starts its timer thread. */
  public AuroraSimulator(SimulatorProperties properties) {
    this(properties, Clock.systemUTC());
  }

  /**
   * Creates the scheduler and starts its timer thread; {@code clock} stamps task and update events.
   */
  public AuroraSimulator(SimulatorProperties properties, Clock clock) {
    this(properties, clock, SimulatorJournal.NONE);
  }

  /**
   * Creates the scheduler, resumes what {@code journal} holds (tasks RUNNING stay RUNNING, tasks in
   * transition continue their timers, updates continue rolling), writes every later change to it,
   * and starts its timer thread.
   */
  AuroraSimulator(SimulatorProperties properties, Clock clock, SimulatorJournal journal) {
    this.properties = properties;
    this.validator = new ConfigurationValidator(properties.allowedEnvironments());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "aurora-simulator-timer");
              thread.setDaemon(true);
              return thread;
            });
    this.agent = new SimulatedAgent(properties.fetchTimeout());
    this.stateMachine =
        new TaskStateMachine(lock, tasks, properties, clock, timer, agent, notifier);
    this.updates = new JobUpdater(lock, tasks, stateMachine, clock);
    this.responses = new AuroraResponses(properties.clusterName());
    this.quotas = new SimulatedQuotas(properties.quotas(), tasks);
    this.reads = new SimulatedReadOnlyScheduler(lock, tasks, updates, validator, responses, quotas);
    resume(journal);
    updates.scheduleOn(timer);
  }

  private void resume(SimulatorJournal journal) {
    synchronized (lock) {
      SimulatorJournal.Snapshot snapshot = journal.load();
      for (ScheduledTask task : snapshot.tasks()) {
        tasks.add(task);
        agent.resumed(task.getAssignedTask());
      }
      snapshot.updates().forEach(updates::restore);
      tasks.journalTo(journal);
      for (ScheduledTask task : snapshot.tasks()) {
        stateMachine.resume(task);
      }
      if (!snapshot.tasks().isEmpty() || !snapshot.updates().isEmpty()) {
        log.info(
            "Resumed {} simulated task(s) ({} active) and {} job update(s) from the journal",
            snapshot.tasks().size(),
            snapshot.tasks().stream()
                .filter(t -> aurora_apiConstants.ACTIVE_STATES.contains(t.getStatus()))
                .count(),
            snapshot.updates().size());
      }
    }
  }

  /**
   * Tells {@code listener} about every status change from now on (see {@link TaskStatusListener}
   * for the threading). Adding the same listener twice makes it hear everything twice.
   */
  public void addTaskStatusListener(TaskStatusListener listener) {
    notifier.add(listener);
  }

  /** Stops telling {@code listener}; changes already queued for it may still arrive. Idempotent. */
  public void removeTaskStatusListener(TaskStatusListener listener) {
    notifier.remove(listener);
  }

  /** The cluster name every response reports in {@code serverInfo}. */
  public String clusterName() {
    return properties.clusterName();
  }

  /** Stops the timer, event and agent threads; tasks stay where they are. Idempotent. */
  @Override
  public void close() {
    timer.shutdownNow();
    notifier.close();
    agent.close();
  }

  // ---------------------------------------------------------------------------------------------
  // ReadOnlyScheduler

  @Override
  public Response getRoleSummary() {
    return reads.getRoleSummary();
  }

  @Override
  public Response getJobSummary(String role) {
    return reads.getJobSummary(role);
  }

  @Override
  public Response getTasksStatus(TaskQuery query) {
    return reads.getTasksStatus(query);
  }

  @Override
  public Response getTasksWithoutConfigs(TaskQuery query) {
    return reads.getTasksWithoutConfigs(query);
  }

  @Override
  public Response getConfigSummary(JobKey job) {
    return reads.getConfigSummary(job);
  }

  @Override
  public Response getJobs(String ownerRole) {
    return reads.getJobs(ownerRole);
  }

  @Override
  public Response getQuota(String ownerRole) {
    return reads.getQuota(ownerRole);
  }

  @Override
  public Response populateJobConfig(JobConfiguration description) {
    return reads.populateJobConfig(description);
  }

  @Override
  public Response getJobUpdateSummaries(JobUpdateQuery query) {
    return reads.getJobUpdateSummaries(query);
  }

  @Override
  public Response getJobUpdateDetails(JobUpdateKey key, JobUpdateQuery query) {
    return reads.getJobUpdateDetails(key, query);
  }

  // ---------------------------------------------------------------------------------------------
  // AuroraSchedulerManager

  @Override
  public Response createJob(JobConfiguration description) {
    return responses.call(
        () -> {
          JobConfiguration job;
          try {
            job = validator.validateAndPopulate(description);
          } catch (InvalidConfigurationException e) {
            return responses.of(ResponseCode.INVALID_REQUEST, e.getMessage());
          }
          if (job.isSetCronSchedule()) {
            return responses.of(
                ResponseCode.INVALID_REQUEST,
                "Cron jobs may only be created/updated by calling scheduleCronJob.");
          }
          JobKey key = job.getKey();
          synchronized (lock) {
            if (updates.active(key) != null) {
              return responses.of(ResponseCode.JOB_UPDATING_ERROR, "Job is currently updating");
            }
            if (!tasks.active(key).isEmpty()) {
              return responses.of(
                  ResponseCode.INVALID_REQUEST, "Job " + canonical(key) + " already exists");
            }
            String limitViolation = taskLimitViolation(job.getTaskConfig(), job.getInstanceCount());
            if (limitViolation != null) {
              return responses.of(ResponseCode.INVALID_REQUEST, limitViolation);
            }
            String quotaViolation =
                quotas.checkAddition(job.getTaskConfig(), job.getInstanceCount());
            if (quotaViolation != null) {
              return responses.of(ResponseCode.INVALID_REQUEST, quotaViolation);
            }
            log.info("Launching {} tasks of {}", job.getInstanceCount(), canonical(key));
            for (int instance = 0; instance < job.getInstanceCount(); instance++) {
              stateMachine.launch(job.getTaskConfig(), instance);
            }
            return responses.ok(null);
          }
        });
  }

  @Override
  public Response restartShards(JobKey job, Set<Integer> shardIds) {
    return responses.call(
        () -> {
          JobKey key = assertValid(job);
          if (shardIds == null || shardIds.isEmpty()) {
            throw new IllegalArgumentException("Argument cannot be empty: shardIds");
          }
          synchronized (lock) {
            if (updates.active(key) != null) {
              return responses.of(ResponseCode.JOB_UPDATING_ERROR, "Job is currently updating");
            }
            List<ScheduledTask> matching =
                tasks.active(key).stream()
                    .filter(task -> shardIds.contains(task.getAssignedTask().getInstanceId()))
                    .collect(Collectors.toList());
            if (matching.size() != shardIds.size()) {
              return responses.of(
                  ResponseCode.INVALID_REQUEST, "Not all requested shards are active.");
            }
            log.info("Restarting instances {} of {}", shardIds, canonical(key));
            for (ScheduledTask task : matching) {
              stateMachine.restart(task, "Restarted by " + AUDIT_USER);
            }
            return responses.ok(null);
          }
        });
  }

  @Override
  public Response killTasks(JobKey job, Set<Integer> instances, String message) {
    return responses.call(
        () -> {
          JobKey key = assertValid(job);
          synchronized (lock) {
            if (updates.active(key) != null) {
              return responses.of(ResponseCode.JOB_UPDATING_ERROR, "Job is currently updating");
            }
            List<ScheduledTask> matching =
                tasks.active(key).stream()
                    .filter(
                        task ->
                            instances == null
                                || instances.isEmpty()
                                || instances.contains(task.getAssignedTask().getInstanceId()))
                    .collect(Collectors.toList());
            String audit =
                "Killed by " + AUDIT_USER + (message == null ? "" : ".\nMessage: " + message);
            boolean killed = false;
            for (ScheduledTask task : matching) {
              killed |= stateMachine.kill(task, audit);
            }
            if (!killed) {
              return responses.of(ResponseCode.OK, NO_TASKS_TO_KILL);
            }
            log.info(
                "Killing instances {} of {}",
                instances == null || instances.isEmpty() ? "all" : instances,
                canonical(key));
            return responses.ok(null);
          }
        });
  }

  @Override
  public Response addInstances(InstanceKey key, int count) {
    return responses.call(
        () -> {
          JobKey job = assertValid(key == null ? null : key.getJobKey());
          if (count <= 0) {
            return responses.of(ResponseCode.INVALID_REQUEST, "Instance count must be positive.");
          }
          synchronized (lock) {
            if (updates.active(job) != null) {
              return responses.of(ResponseCode.JOB_UPDATING_ERROR, "Job is currently updating");
            }
            List<ScheduledTask> active = tasks.active(job);
            ScheduledTask template =
                active.stream()
                    .filter(task -> task.getAssignedTask().getInstanceId() == key.getInstanceId())
                    .findFirst()
                    .orElse(null);
            if (template == null) {
              return responses.of(
                  ResponseCode.INVALID_REQUEST, "No active task found for a given instance ID.");
            }
            int lastId =
                active.stream()
                    .mapToInt(task -> task.getAssignedTask().getInstanceId())
                    .max()
                    .orElseThrow();
            TaskConfig config = template.getAssignedTask().getTask();
            String limitViolation = taskLimitViolation(config, active.size() + count);
            if (limitViolation != null) {
              return responses.of(ResponseCode.INVALID_REQUEST, limitViolation);
            }
            String quotaViolation = quotas.checkAddition(config, count);
            if (quotaViolation != null) {
              return responses.of(ResponseCode.INVALID_REQUEST, quotaViolation);
            }
            for (int instance = lastId + 1; instance <= lastId + count; instance++) {
              stateMachine.launch(config, instance);
            }
            return responses.ok(null);
          }
        });
  }

  @Override
  public Response startJobUpdate(JobUpdateRequest request, String message) {
    return responses.call(
        () -> {
          if (request == null || request.getTaskConfig() == null) {
            throw new IllegalArgumentException("A job update request must have taskConfig set.");
          }
          if (!request.getTaskConfig().isIsService()) {
            return responses.of(
                ResponseCode.INVALID_REQUEST, "Updates are not supported for non-service tasks.");
          }
          JobUpdateSettings settings =
              request.getSettings() == null
                  ? new JobUpdateSettings()
                  : request.getSettings().deepCopy();
          String settingsViolation = JobUpdater.backfillAndCheck(settings, request);
          if (settingsViolation != null) {
            return responses.of(ResponseCode.INVALID_REQUEST, settingsViolation);
          }
          TaskConfig desired;
          try {
            desired = validator.validateAndPopulate(request.getTaskConfig());
          } catch (InvalidConfigurationException e) {
            return responses.of(ResponseCode.INVALID_REQUEST, e.getMessage());
          }
          JobKey job = desired.getJob();
          synchronized (lock) {
            Set<Integer> scope = updates.scope(job, desired, request.getInstanceCount(), settings);
            Set<Integer> requested = JobUpdater.instancesIn(settings.getUpdateOnlyTheseInstances());
            Set<Integer> outOfScope = new TreeSet<>(requested);
            outOfScope.removeAll(scope);
            if (!outOfScope.isEmpty()) {
              return responses.of(
                  ResponseCode.INVALID_REQUEST,
                  "The update request attempted to update specific instances,"
                      + " but some are irrelevant to the update and current job state: "
                      + outOfScope);
            }
            if (scope.isEmpty()) {
              return responses.of(ResponseCode.OK, "Job is unchanged by proposed update.");
            }
            String limitViolation = taskLimitViolation(desired, request.getInstanceCount());
            if (limitViolation != null) {
              return responses.of(ResponseCode.INVALID_REQUEST, limitViolation);
            }
            String quotaViolation = quotas.checkUpdate(desired, request.getInstanceCount());
            if (quotaViolation != null) {
              return responses.of(ResponseCode.INVALID_REQUEST, quotaViolation);
            }
            SimulatedJobUpdate existing = updates.active(job);
            if (existing != null) {
              Response response =
                  responses.of(
                      ResponseCode.INVALID_REQUEST,
                      "An active update already exists for this job, please terminate it before starting another. "
                          + "Active updates are those in states "
                          + ACTIVE_UPDATE);
              response.setResult(
                  Result.startJobUpdateResult(
                      new StartJobUpdateResult(existing.key.deepCopy())
                          .setUpdateSummary(existing.summary())));
              return response;
            }
            SimulatedJobUpdate update = updates.start(request, desired, settings, scope, message);
            return responses.ok(
                Result.startJobUpdateResult(
                    new StartJobUpdateResult(update.key.deepCopy())
                        .setUpdateSummary(update.summary())));
          }
        });
  }

  @Override
  public Response pauseJobUpdate(JobUpdateKey key, String message) {
    // Any state goes to ROLL_FORWARD_PAUSED; from a terminal state that is an illegal transition.
    return responses.call(
        () ->
            changeUpdateStatus(
                key, message, (update, status) -> JobUpdateStatus.ROLL_FORWARD_PAUSED));
  }

  @Override
  public Response resumeJobUpdate(JobUpdateKey key, String message) {
    return responses.call(
        () ->
            changeUpdateStatus(
                key,
                message,
                (update, status) ->
                    ACTIVE_UPDATE.contains(status) && status != JobUpdateStatus.ROLL_FORWARD_PAUSED
                        ? status
                        : updates.resumedStatus(update)));
  }

  @Override
  public Response abortJobUpdate(JobUpdateKey key, String message) {
    return responses.call(
        () -> changeUpdateStatus(key, message, (update, status) -> JobUpdateStatus.ABORTED));
  }

  @Override
  public Response rollbackJobUpdate(JobUpdateKey key, String message) {
    return responses.of(
        ResponseCode.ERROR,
        "rollbackJobUpdate is not supported by the Aurora simulator; abort the update and start a new one.");
  }

  @Override
  public Response pulseJobUpdate(JobUpdateKey key) {
    return responses.call(
        () -> {
          assertValid(key == null ? null : key.getJob());
          if (key.getId() == null || key.getId().isBlank()) {
            throw new IllegalArgumentException("Argument cannot be blank: key.id");
          }
          synchronized (lock) {
            SimulatedJobUpdate update = updates.find(key);
            if (update == null || !update.coordinated() || !update.isActive()) {
              return responses.ok(
                  Result.pulseJobUpdateResult(
                      new PulseJobUpdateResult(JobUpdatePulseStatus.FINISHED)));
            }
            updates.pulse(update);
            return responses.ok(
                Result.pulseJobUpdateResult(new PulseJobUpdateResult(JobUpdatePulseStatus.OK)));
          }
        });
  }

  private Response changeUpdateStatus(
      JobUpdateKey key,
      String message,
      BiFunction<SimulatedJobUpdate, JobUpdateStatus, JobUpdateStatus> transition) {
    assertValid(key == null ? null : key.getJob());
    synchronized (lock) {
      SimulatedJobUpdate update = updates.find(key);
      if (update == null) {
        return responses.of(ResponseCode.INVALID_REQUEST, "Update does not exist " + key);
      }
      JobUpdateStatus from = update.status();
      JobUpdateStatus to = transition.apply(update, from);
      if (from == to) {
        return responses.ok(null);
      }
      if (!update.isActive()) {
        return responses.of(
            ResponseCode.INVALID_REQUEST,
            String.format("Illegal state transition from %s to %s", from, to));
      }
      updates.changeStatus(update, to, message);
      return responses.ok(null);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Validation

  private static String taskLimitViolation(TaskConfig config, int instanceCount) {
    if (TaskStateMachine.taskId(config.getJob(), instanceCount).length()
        > TaskStateMachine.MAX_TASK_ID_LENGTH) {
      return "Task ID is too long, please shorten your role or job name.";
    }
    if (instanceCount < 1 || instanceCount > MAX_TASKS_PER_JOB) {
      return "Instance count must be between 1 and " + MAX_TASKS_PER_JOB + " inclusive.";
    }
    return null;
  }
}
