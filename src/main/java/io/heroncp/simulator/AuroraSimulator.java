package io.heroncp.simulator;

import io.heroncp.aurora.thrift.AssignedTask;
import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.BatchJobUpdateStrategy;
import io.heroncp.aurora.thrift.ConfigGroup;
import io.heroncp.aurora.thrift.ConfigSummary;
import io.heroncp.aurora.thrift.ConfigSummaryResult;
import io.heroncp.aurora.thrift.ExecutorConfig;
import io.heroncp.aurora.thrift.GetJobUpdateDetailsResult;
import io.heroncp.aurora.thrift.GetJobUpdateSummariesResult;
import io.heroncp.aurora.thrift.GetJobsResult;
import io.heroncp.aurora.thrift.InstanceKey;
import io.heroncp.aurora.thrift.InstanceTaskConfig;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobSummary;
import io.heroncp.aurora.thrift.JobSummaryResult;
import io.heroncp.aurora.thrift.JobUpdateAction;
import io.heroncp.aurora.thrift.JobUpdateDetails;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdatePulseStatus;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.JobUpdateStatus;
import io.heroncp.aurora.thrift.JobUpdateStrategy;
import io.heroncp.aurora.thrift.JobUpdateSummary;
import io.heroncp.aurora.thrift.PopulateJobResult;
import io.heroncp.aurora.thrift.PulseJobUpdateResult;
import io.heroncp.aurora.thrift.QueueJobUpdateStrategy;
import io.heroncp.aurora.thrift.Range;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ResponseDetail;
import io.heroncp.aurora.thrift.Result;
import io.heroncp.aurora.thrift.RoleSummary;
import io.heroncp.aurora.thrift.RoleSummaryResult;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduleStatusResult;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.ServerInfo;
import io.heroncp.aurora.thrift.StartJobUpdateResult;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.simulator.ConfigurationValidator.InvalidConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory Apache Aurora scheduler: the state behind the simulator's Thrift endpoint, with Aurora's
 * validation, response codes, messages and task life cycle (see {@code aurora-api.md}).
 *
 * <p>Tasks move PENDING → ASSIGNED → STARTING → RUNNING on the configured delays, driven by one daemon
 * timer thread; kills go through KILLING → KILLED, restarts through RESTARTING → KILLED plus a new PENDING
 * task. While a task is STARTING the simulated agent runs its Thermos fetch processes for real
 * ({@link SandboxFetcher}: the Heron core and topology packages are downloaded and unpacked in memory, on agent
 * threads); when one fails the task becomes FAILED with the reason, and, as in Aurora, a service task (or one with
 * failures left under {@code maxTaskFailures}) is rescheduled: a new task with the failed one as ancestor and
 * {@code failureCount + 1}, first THROTTLED for the flapping penalty (it never ran: {@code flapping-task-delay},
 * doubled per consecutive such failure, capped at {@code max-flapping-task-delay}), then PENDING. Terminal tasks are retained, the newest 100 per job (Aurora's {@code -history_max_per_job_threshold}
 * default; there is no age-based pruning). A PENDING task that is killed also goes through KILLING (Aurora
 * would delete it at once). Job updates roll forward with queue semantics: {@code groupSize} instances in
 * flight (the first group of a variable batch strategy), each done once its new task has been RUNNING for
 * {@code minWaitInInstanceRunningMs}; there is no failure handling or rollback: an instance whose new task
 * keeps failing holds the update until it is aborted. No cron jobs, quotas or admin calls.
 * Authentication is not modelled here (the HTTP layer does it), so audit users are {@code UNSECURE}, as
 * in an Aurora scheduler without authentication, and an invalid job key on a mutating call is ERROR.
 *
 * <p>Every status a task enters is reported to the {@link TaskStatusListener}s (the topology-manager
 * stand-in follows jobs this way), on an event thread of its own, after the step that caused it.
 *
 * <p>Thread-safe: every call and every timer step runs under this object's monitor. Returned structs are
 * copies. Call {@link #close()} to stop the timer and event threads.
 */
public final class AuroraSimulator implements AuroraSchedulerManager.Iface, AutoCloseable {

  /** The host every simulated task is placed on. */
  public static final String AGENT_HOST = "127.0.0.1";
  /** The Mesos agent id every simulated task is placed on. */
  public static final String AGENT_ID = "simulated-agent-127.0.0.1";
  /** The first port handed out for named ports (Mesos' default port range starts here). */
  public static final int FIRST_ASSIGNED_PORT = 31000;
  /** Aurora's {@code -max_tasks_per_job} default. */
  public static final int MAX_TASKS_PER_JOB = 4000;

  static final String NO_TASKS_TO_KILL = "No tasks to kill.";
  private static final Logger log = LoggerFactory.getLogger(AuroraSimulator.class);
  static final String AUDIT_USER = "UNSECURE";
  private static final int MAX_TASK_ID_LENGTH = 255 - 90;
  /** Package downloads in parallel (the simulated agent's sandboxes). */
  private static final int AGENT_THREADS = 4;
  private static final int MAX_RETAINED_TERMINAL_TASKS_PER_JOB = 100;
  private static final int MAX_UPDATE_INSTANCE_FAILURES = 20000;
  private static final Duration UPDATE_TICK = Duration.ofMillis(50);
  private static final Set<ScheduleStatus> ACTIVE = aurora_apiConstants.ACTIVE_STATES;
  private static final Set<JobUpdateStatus> ACTIVE_UPDATE = aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES;

  private final SimulatorProperties properties;
  private final ConfigurationValidator validator;
  private final ScheduledExecutorService timer;
  private final ExecutorService events;
  private final ExecutorService agent;
  private final SandboxFetcher fetcher;
  private final List<TaskStatusListener> listeners = new CopyOnWriteArrayList<>();

  // Guarded by this. Insertion order = creation order, which is also the order queries return.
  private final SimulatedTaskStore tasks = new SimulatedTaskStore();
  private final Map<String, SimulatedJobUpdate> updates = new LinkedHashMap<>();
  private int nextPort = FIRST_ASSIGNED_PORT;

  /** Creates the scheduler and starts its timer thread. */
  public AuroraSimulator(SimulatorProperties properties) {
    this.properties = properties;
    this.validator = new ConfigurationValidator(properties.allowedEnvironments());
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "aurora-simulator-timer");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(
        this::advanceUpdates, UPDATE_TICK.toMillis(), UPDATE_TICK.toMillis(), TimeUnit.MILLISECONDS);
    this.events = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "aurora-simulator-events");
      thread.setDaemon(true);
      return thread;
    });
    this.agent = Executors.newFixedThreadPool(AGENT_THREADS, runnable -> {
      Thread thread = new Thread(runnable, "aurora-simulator-agent");
      thread.setDaemon(true);
      return thread;
    });
    this.fetcher = new SandboxFetcher(properties.fetchTimeout());
  }

  /**
   * Tells {@code listener} about every status change from now on (see {@link TaskStatusListener} for the
   * threading). Adding the same listener twice makes it hear everything twice.
   */
  public void addTaskStatusListener(TaskStatusListener listener) {
    listeners.add(listener);
  }

  /** Stops telling {@code listener}; changes already queued for it may still arrive. Idempotent. */
  public void removeTaskStatusListener(TaskStatusListener listener) {
    listeners.remove(listener);
  }

  /** The cluster name every response reports in {@code serverInfo}. */
  public String clusterName() {
    return properties.clusterName();
  }

  /** Stops the timer, event and agent threads; tasks stay where they are. Idempotent. */
  @Override
  public void close() {
    timer.shutdownNow();
    events.shutdownNow();
    agent.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------
  // ReadOnlyScheduler

  @Override
  public Response getRoleSummary() {
    return respond(() -> {
      synchronized (this) {
        Map<String, Set<JobKey>> jobsByRole = new LinkedHashMap<>();
        for (ScheduledTask task : tasks.all()) {
          JobKey job = task.getAssignedTask().getTask().getJob();
          jobsByRole.computeIfAbsent(job.getRole(), role -> new HashSet<>()).add(job);
        }
        Set<RoleSummary> summaries = new LinkedHashSet<>();
        jobsByRole.forEach((role, jobs) -> summaries.add(new RoleSummary(role, jobs.size(), 0)));
        return ok(Result.roleSummaryResult(new RoleSummaryResult(summaries)));
      }
    });
  }

  @Override
  public Response getJobSummary(String role) {
    return respond(() -> {
      synchronized (this) {
        Map<JobKey, List<ScheduledTask>> byJob = SimulatedTaskStore.byJob(tasks.all(), role);
        Set<JobSummary> summaries = new LinkedHashSet<>();
        byJob.forEach((job, jobTasks) -> summaries.add(new JobSummary()
            .setJob(SimulatedTaskStore.jobConfiguration(job, jobTasks))
            .setStats(SimulatedTaskStore.jobStats(jobTasks))));
        return ok(Result.jobSummaryResult(new JobSummaryResult(summaries)));
      }
    });
  }

  /** Copies of the matching tasks, read under the monitor. */
  private synchronized List<ScheduledTask> query(TaskQuery query) {
    return tasks.query(query);
  }

  @Override
  public Response getTasksStatus(TaskQuery query) {
    return respond(() -> ok(Result.scheduleStatusResult(new ScheduleStatusResult(query(query)))));
  }

  @Override
  public Response getTasksWithoutConfigs(TaskQuery query) {
    return respond(() -> {
      List<ScheduledTask> found = query(query);
      for (ScheduledTask task : found) {
        ExecutorConfig executor = task.getAssignedTask().getTask().getExecutorConfig();
        if (executor == null) {
          // Aurora unsets data on a null executorConfig and fails the whole call.
          throw new NullPointerException("Task " + task.getAssignedTask().getTaskId()
              + " has no executorConfig");
        }
        executor.unsetData();
      }
      return ok(Result.scheduleStatusResult(new ScheduleStatusResult(found)));
    });
  }

  @Override
  public Response getConfigSummary(JobKey job) {
    return respond(() -> {
      JobKey key = assertValid(job);
      synchronized (this) {
        Map<TaskConfig, TreeSet<Integer>> instancesByConfig = new LinkedHashMap<>();
        for (ScheduledTask task : tasks.active(key)) {
          instancesByConfig
              .computeIfAbsent(task.getAssignedTask().getTask(), config -> new TreeSet<>())
              .add(task.getAssignedTask().getInstanceId());
        }
        Set<ConfigGroup> groups = new LinkedHashSet<>();
        instancesByConfig.forEach((config, instances) ->
            groups.add(new ConfigGroup(config.deepCopy(), SimulatedTaskStore.ranges(instances))));
        return ok(Result.configSummaryResult(
            new ConfigSummaryResult(new ConfigSummary(key.deepCopy(), groups))));
      }
    });
  }

  @Override
  public Response getJobs(String ownerRole) {
    return respond(() -> {
      synchronized (this) {
        List<ScheduledTask> active = tasks.all().stream()
            .filter(task -> ACTIVE.contains(task.getStatus()))
            .collect(Collectors.toList());
        Set<JobConfiguration> configs = new LinkedHashSet<>();
        SimulatedTaskStore.byJob(active, ownerRole).forEach((job, jobTasks) ->
            configs.add(SimulatedTaskStore.jobConfiguration(job, jobTasks)));
        return ok(Result.getJobsResult(new GetJobsResult(configs)));
      }
    });
  }

  @Override
  public Response populateJobConfig(JobConfiguration description) {
    return respond(() -> {
      try {
        JobConfiguration populated = validator.validateAndPopulate(description);
        return ok(Result.populateJobResult(new PopulateJobResult(populated.getTaskConfig())));
      } catch (InvalidConfigurationException e) {
        return response(ResponseCode.INVALID_REQUEST, "Invalid configuration: " + e.getMessage());
      }
    });
  }

  @Override
  public Response getJobUpdateSummaries(JobUpdateQuery query) {
    return respond(() -> {
      synchronized (this) {
        List<JobUpdateSummary> summaries = queryUpdates(query).stream()
            .map(SimulatedJobUpdate::summary)
            .collect(Collectors.toList());
        return ok(Result.getJobUpdateSummariesResult(new GetJobUpdateSummariesResult(summaries)));
      }
    });
  }

  @Override
  public Response getJobUpdateDetails(JobUpdateKey key, JobUpdateQuery query) {
    return respond(() -> {
      synchronized (this) {
        if (query != null) {
          List<JobUpdateDetails> details = queryUpdates(query).stream()
              .map(SimulatedJobUpdate::details)
              .collect(Collectors.toList());
          return ok(Result.getJobUpdateDetailsResult(
              new GetJobUpdateDetailsResult().setDetailsList(details)));
        }
        if (key != null) {
          SimulatedJobUpdate update = updates.get(key.getId());
          if (update == null || !update.key.equals(key)) {
            return response(ResponseCode.INVALID_REQUEST, "Invalid update: " + key);
          }
          Response response = ok(Result.getJobUpdateDetailsResult(
              new GetJobUpdateDetailsResult().setDetails(update.details())));
          response.addToDetails(new ResponseDetail(
              "The key argument is deprecated, use the query argument instead"));
          return response;
        }
        return response(ResponseCode.ERROR, "Either key or query must be set.");
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // AuroraSchedulerManager

  @Override
  public Response createJob(JobConfiguration description) {
    return respond(() -> {
      JobConfiguration job;
      try {
        job = validator.validateAndPopulate(description);
      } catch (InvalidConfigurationException e) {
        return response(ResponseCode.INVALID_REQUEST, e.getMessage());
      }
      if (job.isSetCronSchedule()) {
        return response(ResponseCode.INVALID_REQUEST,
            "Cron jobs may only be created/updated by calling scheduleCronJob.");
      }
      JobKey key = job.getKey();
      synchronized (this) {
        if (activeUpdate(key) != null) {
          return response(ResponseCode.JOB_UPDATING_ERROR, "Job is currently updating");
        }
        if (!tasks.active(key).isEmpty()) {
          return response(ResponseCode.INVALID_REQUEST, "Job " + canonical(key) + " already exists");
        }
        String limitViolation = taskLimitViolation(job.getTaskConfig(), job.getInstanceCount());
        if (limitViolation != null) {
          return response(ResponseCode.INVALID_REQUEST, limitViolation);
        }
        log.info("Launching {} tasks of {}", job.getInstanceCount(), canonical(key));
        for (int instance = 0; instance < job.getInstanceCount(); instance++) {
          insertPending(job.getTaskConfig(), instance, null);
        }
        return ok(null);
      }
    });
  }

  @Override
  public Response restartShards(JobKey job, Set<Integer> shardIds) {
    return respond(() -> {
      JobKey key = assertValid(job);
      if (shardIds == null || shardIds.isEmpty()) {
        throw new IllegalArgumentException("Argument cannot be empty: shardIds");
      }
      synchronized (this) {
        if (activeUpdate(key) != null) {
          return response(ResponseCode.JOB_UPDATING_ERROR, "Job is currently updating");
        }
        List<ScheduledTask> matching = tasks.active(key).stream()
            .filter(task -> shardIds.contains(task.getAssignedTask().getInstanceId()))
            .collect(Collectors.toList());
        if (matching.size() != shardIds.size()) {
          return response(ResponseCode.INVALID_REQUEST, "Not all requested shards are active.");
        }
        log.info("Restarting instances {} of {}", shardIds, canonical(key));
        for (ScheduledTask task : matching) {
          if (task.getStatus() != ScheduleStatus.RESTARTING && task.getStatus() != ScheduleStatus.KILLING) {
            changeStatus(task, ScheduleStatus.RESTARTING, "Restarted by " + AUDIT_USER);
            scheduleStep(task, ScheduleStatus.RESTARTING, properties.killingDelay());
          }
        }
        return ok(null);
      }
    });
  }

  @Override
  public Response killTasks(JobKey job, Set<Integer> instances, String message) {
    return respond(() -> {
      JobKey key = assertValid(job);
      synchronized (this) {
        if (activeUpdate(key) != null) {
          return response(ResponseCode.JOB_UPDATING_ERROR, "Job is currently updating");
        }
        List<ScheduledTask> matching = tasks.active(key).stream()
            .filter(task -> instances == null || instances.isEmpty()
                || instances.contains(task.getAssignedTask().getInstanceId()))
            .collect(Collectors.toList());
        String audit = "Killed by " + AUDIT_USER + (message == null ? "" : ".\nMessage: " + message);
        boolean killed = false;
        for (ScheduledTask task : matching) {
          killed |= kill(task, audit);
        }
        if (!killed) {
          return response(ResponseCode.OK, NO_TASKS_TO_KILL);
        }
        log.info("Killing instances {} of {}", instances == null || instances.isEmpty() ? "all" : instances,
            canonical(key));
        return ok(null);
      }
    });
  }

  @Override
  public Response addInstances(InstanceKey key, int count) {
    return respond(() -> {
      JobKey job = assertValid(key == null ? null : key.getJobKey());
      if (count <= 0) {
        return response(ResponseCode.INVALID_REQUEST, "Instance count must be positive.");
      }
      synchronized (this) {
        if (activeUpdate(job) != null) {
          return response(ResponseCode.JOB_UPDATING_ERROR, "Job is currently updating");
        }
        List<ScheduledTask> active = tasks.active(job);
        ScheduledTask template = active.stream()
            .filter(task -> task.getAssignedTask().getInstanceId() == key.getInstanceId())
            .findFirst()
            .orElse(null);
        if (template == null) {
          return response(ResponseCode.INVALID_REQUEST, "No active task found for a given instance ID.");
        }
        int lastId = active.stream().mapToInt(task -> task.getAssignedTask().getInstanceId()).max().orElseThrow();
        TaskConfig config = template.getAssignedTask().getTask();
        String limitViolation = taskLimitViolation(config, active.size() + count);
        if (limitViolation != null) {
          return response(ResponseCode.INVALID_REQUEST, limitViolation);
        }
        for (int instance = lastId + 1; instance <= lastId + count; instance++) {
          insertPending(config, instance, null);
        }
        return ok(null);
      }
    });
  }

  @Override
  public Response startJobUpdate(JobUpdateRequest request, String message) {
    return respond(() -> {
      if (request == null || request.getTaskConfig() == null) {
        throw new IllegalArgumentException("A job update request must have taskConfig set.");
      }
      if (!request.getTaskConfig().isIsService()) {
        return response(ResponseCode.INVALID_REQUEST, "Updates are not supported for non-service tasks.");
      }
      JobUpdateSettings settings = request.getSettings() == null
          ? new JobUpdateSettings() : request.getSettings().deepCopy();
      String settingsViolation = backfillAndCheck(settings, request);
      if (settingsViolation != null) {
        return response(ResponseCode.INVALID_REQUEST, settingsViolation);
      }
      TaskConfig desired;
      try {
        desired = validator.validateAndPopulate(request.getTaskConfig());
      } catch (InvalidConfigurationException e) {
        return response(ResponseCode.INVALID_REQUEST, e.getMessage());
      }
      JobKey job = desired.getJob();
      synchronized (this) {
        Set<Integer> scope = updateScope(job, desired, request.getInstanceCount(), settings);
        Set<Integer> requested = instancesIn(settings.getUpdateOnlyTheseInstances());
        Set<Integer> outOfScope = new TreeSet<>(requested);
        outOfScope.removeAll(scope);
        if (!outOfScope.isEmpty()) {
          return response(ResponseCode.INVALID_REQUEST,
              "The update request attempted to update specific instances,"
                  + " but some are irrelevant to the update and current job state: " + outOfScope);
        }
        if (scope.isEmpty()) {
          return response(ResponseCode.OK, "Job is unchanged by proposed update.");
        }
        String limitViolation = taskLimitViolation(desired, request.getInstanceCount());
        if (limitViolation != null) {
          return response(ResponseCode.INVALID_REQUEST, limitViolation);
        }
        SimulatedJobUpdate existing = activeUpdate(job);
        if (existing != null) {
          Response response = response(ResponseCode.INVALID_REQUEST,
              "An active update already exists for this job, please terminate it before starting another. "
                  + "Active updates are those in states " + ACTIVE_UPDATE);
          response.setResult(Result.startJobUpdateResult(
              new StartJobUpdateResult(existing.key.deepCopy()).setUpdateSummary(existing.summary())));
          return response;
        }
        JobUpdateKey key = new JobUpdateKey(job.deepCopy(), UUID.randomUUID().toString());
        SimulatedJobUpdate update = new SimulatedJobUpdate(key, request, desired, settings, scope,
            initialState(job, scope), now());
        updates.put(key.getId(), update);
        update.changeStatus(update.coordinated()
            ? JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE : JobUpdateStatus.ROLLING_FORWARD, message, now());
        log.info("Started update {} of {} on instances {}", key.getId(), canonical(job), scope);
        return ok(Result.startJobUpdateResult(
            new StartJobUpdateResult(key.deepCopy()).setUpdateSummary(update.summary())));
      }
    });
  }

  @Override
  public Response pauseJobUpdate(JobUpdateKey key, String message) {
    // Any state goes to ROLL_FORWARD_PAUSED; from a terminal state that is an illegal transition.
    return respond(() -> changeUpdateStatus(key, message, status -> JobUpdateStatus.ROLL_FORWARD_PAUSED));
  }

  @Override
  public Response resumeJobUpdate(JobUpdateKey key, String message) {
    return respond(() -> changeUpdateStatus(key, message, status -> {
      if (ACTIVE_UPDATE.contains(status) && status != JobUpdateStatus.ROLL_FORWARD_PAUSED) {
        return status;
      }
      SimulatedJobUpdate update = updates.get(key.getId());
      return update.coordinated() && update.pulseExpired(now())
          ? JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE : JobUpdateStatus.ROLLING_FORWARD;
    }));
  }

  @Override
  public Response abortJobUpdate(JobUpdateKey key, String message) {
    return respond(() -> changeUpdateStatus(key, message, status -> JobUpdateStatus.ABORTED));
  }

  @Override
  public Response rollbackJobUpdate(JobUpdateKey key, String message) {
    return response(ResponseCode.ERROR,
        "rollbackJobUpdate is not supported by the Aurora simulator; abort the update and start a new one.");
  }

  @Override
  public Response pulseJobUpdate(JobUpdateKey key) {
    return respond(() -> {
      assertValid(key == null ? null : key.getJob());
      if (key.getId() == null || key.getId().isBlank()) {
        throw new IllegalArgumentException("Argument cannot be blank: key.id");
      }
      synchronized (this) {
        SimulatedJobUpdate update = updates.get(key.getId());
        if (update == null || !update.key.equals(key) || !update.coordinated() || !update.isActive()) {
          return ok(Result.pulseJobUpdateResult(new PulseJobUpdateResult(JobUpdatePulseStatus.FINISHED)));
        }
        update.lastPulseMs = now();
        if (update.status() == JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE) {
          update.changeStatus(JobUpdateStatus.ROLLING_FORWARD, null, now());
        }
        return ok(Result.pulseJobUpdateResult(new PulseJobUpdateResult(JobUpdatePulseStatus.OK)));
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Task life cycle

  private void insertPending(TaskConfig config, int instanceId, String ancestorId) {
    insertTask(config, instanceId, ancestorId, 0, null);
  }

  /**
   * A new task for one instance: PENDING, or THROTTLED for {@code penalty} first when that is not null.
   * {@code failureCount} carries over from a failed ancestor, as Aurora's rescheduling does.
   */
  private void insertTask(TaskConfig config, int instanceId, String ancestorId, int failureCount, Duration penalty) {
    String taskId = taskId(config.getJob(), instanceId);
    AssignedTask assigned = new AssignedTask()
        .setTaskId(taskId)
        .setTask(config.deepCopy())
        .setAssignedPorts(new HashMap<>())
        .setInstanceId(instanceId);
    ScheduledTask task = new ScheduledTask()
        .setAssignedTask(assigned)
        .setFailureCount(failureCount)
        .setTimesPartitioned(0)
        .setTaskEvents(new ArrayList<>());
    if (ancestorId != null) {
      task.setAncestorId(ancestorId);
    }
    tasks.add(task);
    if (penalty != null) {
      changeStatus(task, ScheduleStatus.THROTTLED,
          "Rescheduled, penalized for " + penalty.toMillis() + " ms for flapping");
      scheduleStep(task, ScheduleStatus.THROTTLED, penalty);
    } else {
      changeStatus(task, ScheduleStatus.PENDING, null);
      scheduleStep(task, ScheduleStatus.PENDING, properties.pendingDelay());
    }
  }

  /** Aurora's {@code TaskIdGenerator}: role-env-name-instance-uuid, with characters outside [\w-] as '-'. */
  private static String taskId(JobKey job, int instanceId) {
    String raw = job.getRole() + "-" + job.getEnvironment() + "-" + job.getName() + "-" + instanceId
        + "-" + UUID.randomUUID();
    return raw.replaceAll("[^\\w-]", "-");
  }

  private boolean kill(ScheduledTask task, String message) {
    if (task.getStatus() == ScheduleStatus.KILLING) {
      return false; // Aurora's state machine treats KILLING -> KILLING as a no-op.
    }
    changeStatus(task, ScheduleStatus.KILLING, message);
    scheduleStep(task, ScheduleStatus.KILLING, properties.killingDelay());
    return true;
  }

  private void scheduleStep(ScheduledTask task, ScheduleStatus from, Duration delay) {
    String taskId = task.getAssignedTask().getTaskId();
    if (!timer.isShutdown()) {
      timer.schedule(() -> step(taskId, from), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** One step of the simulated agent; does nothing if the task has moved on since it was scheduled. */
  private synchronized void step(String taskId, ScheduleStatus from) {
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
        AssignedTask assigned = task.getAssignedTask();
        assigned.setSlaveHost(AGENT_HOST).setSlaveId(AGENT_ID);
        for (Resource resource : assigned.getTask().getResources()) {
          if (resource.isSetNamedPort()) {
            assigned.putToAssignedPorts(resource.getNamedPort(), nextPort++);
          }
        }
        changeStatus(task, ScheduleStatus.ASSIGNED, null);
        scheduleStep(task, ScheduleStatus.ASSIGNED, properties.assignedDelay());
      }
      case ASSIGNED -> {
        changeStatus(task, ScheduleStatus.STARTING, "Initializing sandbox.");
        List<SandboxFetcher.Fetch> fetches = SandboxFetcher.fetches(task.getAssignedTask().getTask());
        if (fetches.isEmpty()) {
          scheduleStep(task, ScheduleStatus.STARTING, properties.startingDelay());
        } else {
          fetchThenStart(taskId, fetches);
        }
      }
      case STARTING -> changeStatus(task, ScheduleStatus.RUNNING, null);
      case KILLING -> {
        changeStatus(task, ScheduleStatus.KILLED, "Task killed by the simulated executor.");
        tasks.pruneHistory(task.getAssignedTask().getTask().getJob(), MAX_RETAINED_TERMINAL_TASKS_PER_JOB);
      }
      case RESTARTING -> {
        changeStatus(task, ScheduleStatus.KILLED, "Task killed by the simulated executor.");
        AssignedTask assigned = task.getAssignedTask();
        insertPending(assigned.getTask(), assigned.getInstanceId(), assigned.getTaskId());
        tasks.pruneHistory(assigned.getTask().getJob(), MAX_RETAINED_TERMINAL_TASKS_PER_JOB);
      }
      default -> { }
    }
  }

  /**
   * Runs a STARTING task's fetch processes on an agent thread (off this monitor: downloads take time), then, once
   * the starting delay has passed, makes it RUNNING or FAILED unless it has moved on meanwhile (killed, restarted).
   */
  private void fetchThenStart(String taskId, List<SandboxFetcher.Fetch> fetches) {
    long started = System.nanoTime();
    try {
      agent.execute(() -> {
        Optional<String> failure = fetcher.run(fetches);
        long remaining = properties.startingDelay().toNanos() - (System.nanoTime() - started);
        try {
          timer.schedule(() -> finishStarting(taskId, failure), Math.max(0, remaining), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          log.debug("Simulator closed; task {} stays STARTING", taskId);
        }
      });
    } catch (RejectedExecutionException e) {
      log.debug("Simulator closed; task {} stays STARTING", taskId);
    }
  }

  private synchronized void finishStarting(String taskId, Optional<String> fetchFailure) {
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
    // Aurora's TaskStateMachine: services are always rescheduled, other tasks while failures are left.
    boolean reschedule = config.isIsService() || config.getMaxTaskFailures() == -1
        || failures < config.getMaxTaskFailures();
    if (reschedule) {
      insertTask(config, assigned.getInstanceId(), taskId, failures, flappingPenalty(task));
    }
    tasks.pruneHistory(config.getJob(), MAX_RETAINED_TERMINAL_TASKS_PER_JOB);
  }

  /**
   * The penalty before a failed task's successor may be scheduled: Aurora treats a task that failed without
   * running as flapping, and doubles the initial delay for each flapping task in a row up its ancestor chain.
   */
  private Duration flappingPenalty(ScheduledTask failed) {
    int flapsInARow = 0;
    ScheduledTask task = failed;
    while (task != null && task.getStatus() == ScheduleStatus.FAILED && !everRan(task) && flapsInARow < 32) {
      flapsInARow++;
      task = task.isSetAncestorId() ? tasks.get(task.getAncestorId()) : null;
    }
    if (flapsInARow == 0) {
      return null;
    }
    Duration max = properties.maxFlappingTaskDelay();
    Duration penalty = properties.flappingTaskDelay();
    for (int i = 1; i < flapsInARow && penalty.compareTo(max) < 0; i++) {
      penalty = penalty.multipliedBy(2);
    }
    return penalty.compareTo(max) > 0 ? max : penalty;
  }

  private static boolean everRan(ScheduledTask task) {
    return task.getTaskEvents().stream().anyMatch(event -> event.getStatus() == ScheduleStatus.RUNNING);
  }

  private void changeStatus(ScheduledTask task, ScheduleStatus status, String message) {
    task.setStatus(status);
    TaskEvent event = new TaskEvent(now(), status).setScheduler(properties.host());
    if (message != null) {
      event.setMessage(message);
    }
    task.addToTaskEvents(event);
    log.debug("Task {} is now {}", task.getAssignedTask().getTaskId(), status);
    notifyListeners(task);
  }

  private void notifyListeners(ScheduledTask task) {
    if (listeners.isEmpty() || events.isShutdown()) {
      return;
    }
    AssignedTask assigned = task.getAssignedTask();
    TaskStatusChange change = new TaskStatusChange(assigned.getTask().getJob().deepCopy(),
        assigned.getInstanceId(), assigned.getTaskId(), task.getStatus(), assigned.getTask().deepCopy());
    try {
      // Delivered later, off this monitor: a listener may call back into the simulator.
      events.execute(() -> {
        for (TaskStatusListener listener : listeners) {
          try {
            listener.onTaskStatus(change);
          } catch (RuntimeException e) {
            log.warn("Task status listener failed on {} {}: {}", change.taskId(), change.status(), e.toString());
          }
        }
      });
    } catch (RejectedExecutionException e) {
      log.debug("Simulator closed; task status change of {} not delivered", change.taskId());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Updates

  private Response changeUpdateStatus(JobUpdateKey key, String message,
      UnaryOperator<JobUpdateStatus> transition) {
    assertValid(key == null ? null : key.getJob());
    synchronized (this) {
      SimulatedJobUpdate update = key == null ? null : updates.get(key.getId());
      if (update == null || !update.key.equals(key)) {
        return response(ResponseCode.INVALID_REQUEST, "Update does not exist " + key);
      }
      JobUpdateStatus from = update.status();
      JobUpdateStatus to = transition.apply(from);
      if (from == to) {
        return ok(null);
      }
      if (!update.isActive()) {
        return response(ResponseCode.INVALID_REQUEST,
            String.format("Illegal state transition from %s to %s", from, to));
      }
      update.changeStatus(to, message, now());
      log.info("Update {} of {} is now {}", key.getId(), canonical(key.getJob()), to);
      return ok(null);
    }
  }

  private String backfillAndCheck(JobUpdateSettings settings, JobUpdateRequest request) {
    if (!settings.isSetUpdateStrategy()) {
      settings.setUpdateStrategy(settings.isWaitForBatchCompletion()
          ? JobUpdateStrategy.batchStrategy(
              new BatchJobUpdateStrategy(settings.getUpdateGroupSize(), false))
          : JobUpdateStrategy.queueStrategy(new QueueJobUpdateStrategy(settings.getUpdateGroupSize())));
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

  /** Instances the update changes: differing, missing or surplus active instances, minus exclusions. */
  private Set<Integer> updateScope(JobKey job, TaskConfig desired, int instanceCount, JobUpdateSettings settings) {
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

  private static Set<Integer> instancesIn(Set<Range> ranges) {
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

  /** Aurora's initial state: the configs of the active instances the update replaces or removes. */
  private Set<InstanceTaskConfig> initialState(JobKey job, Set<Integer> scope) {
    Map<TaskConfig, TreeSet<Integer>> byConfig = new LinkedHashMap<>();
    for (ScheduledTask task : tasks.active(job)) {
      if (!scope.contains(task.getAssignedTask().getInstanceId())) {
        continue;
      }
      byConfig.computeIfAbsent(task.getAssignedTask().getTask(), config -> new TreeSet<>())
          .add(task.getAssignedTask().getInstanceId());
    }
    Set<InstanceTaskConfig> state = new LinkedHashSet<>();
    byConfig.forEach((config, instances) ->
        state.add(new InstanceTaskConfig(config.deepCopy(), SimulatedTaskStore.ranges(instances))));
    return state;
  }

  private SimulatedJobUpdate activeUpdate(JobKey job) {
    for (SimulatedJobUpdate update : updates.values()) {
      if (update.key.getJob().equals(job) && update.isActive()) {
        return update;
      }
    }
    return null;
  }

  private List<SimulatedJobUpdate> queryUpdates(JobUpdateQuery query) {
    JobUpdateQuery q = query == null ? new JobUpdateQuery() : query;
    List<SimulatedJobUpdate> matching = updates.values().stream()
        .filter(update -> q.getRole() == null || q.getRole().equals(update.key.getJob().getRole()))
        .filter(update -> q.getKey() == null || q.getKey().equals(update.key))
        .filter(update -> q.getJobKey() == null || q.getJobKey().equals(update.key.getJob()))
        .filter(update -> q.getUser() == null || q.getUser().equals(AUDIT_USER))
        .filter(update -> q.getUpdateStatuses() == null || q.getUpdateStatuses().isEmpty()
            || q.getUpdateStatuses().contains(update.status()))
        .sorted(Comparator.comparingLong((SimulatedJobUpdate update) -> update.lastModifiedMs).reversed())
        .collect(Collectors.toList());
    int from = Math.min(Math.max(q.getOffset(), 0), matching.size());
    int to = q.getLimit() > 0 ? Math.min(from + q.getLimit(), matching.size()) : matching.size();
    return matching.subList(from, to);
  }

  /** Drives every rolling update one step: queue semantics, group size instances in flight at a time. */
  private synchronized void advanceUpdates() {
    try {
      long now = now();
      for (SimulatedJobUpdate update : updates.values()) {
        if (update.status() == JobUpdateStatus.ROLLING_FORWARD && update.coordinated()
            && update.pulseExpired(now)) {
          update.changeStatus(JobUpdateStatus.ROLL_FORWARD_AWAITING_PULSE,
              "Pulses from external service have timed out.", now);
        }
        if (update.status() == JobUpdateStatus.ROLLING_FORWARD) {
          advance(update, now);
        }
      }
    } catch (RuntimeException e) {
      log.error("Simulated update step failed", e);
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
          insertPending(update.desired, instance, null);
        }
      } else if (!wanted || !active.getAssignedTask().getTask().equals(update.desired)) {
        kill(active, "Killed for job update " + update.key.getId());
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
    if (active == null || active.getStatus() != ScheduleStatus.RUNNING
        || !active.getAssignedTask().getTask().equals(update.desired)) {
      return false;
    }
    List<TaskEvent> events = active.getTaskEvents();
    long runningSince = events.get(events.size() - 1).getTimestamp();
    return now - runningSince >= update.settings.getMinWaitInInstanceRunningMs();
  }

  // ---------------------------------------------------------------------------------------------
  // Responses

  private static String taskLimitViolation(TaskConfig config, int instanceCount) {
    if (taskId(config.getJob(), instanceCount).length() > MAX_TASK_ID_LENGTH) {
      return "Task ID is too long, please shorten your role or job name.";
    }
    if (instanceCount < 1 || instanceCount > MAX_TASKS_PER_JOB) {
      return "Instance count must be between 1 and " + MAX_TASKS_PER_JOB + " inclusive.";
    }
    return null;
  }

  private static JobKey assertValid(JobKey job) {
    if (!ConfigurationValidator.isValidJobKey(job)) {
      throw new IllegalArgumentException("Invalid job key: " + job);
    }
    return job;
  }

  private static String canonical(JobKey key) {
    return key.getRole() + "/" + key.getEnvironment() + "/" + key.getName();
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  /** Runs a call as Aurora's interceptors do: an uncaught RuntimeException becomes ERROR. */
  private Response respond(Supplier<Response> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      log.warn("Simulated Aurora call failed: {}", e.toString());
      return response(ResponseCode.ERROR, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private Response ok(Result result) {
    Response response = response(ResponseCode.OK, null);
    if (result != null) {
      response.setResult(result);
    }
    return response;
  }

  private Response response(ResponseCode code, String message) {
    Response response = new Response()
        .setResponseCode(code)
        .setServerInfo(new ServerInfo(properties.clusterName(), ""))
        .setDetails(new ArrayList<>());
    if (message != null) {
      response.addToDetails(new ResponseDetail(message));
    }
    return response;
  }

}
