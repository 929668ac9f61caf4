package io.heroncp.simulator;

import io.heroncp.aurora.thrift.AssignedTask;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobStats;
import io.heroncp.aurora.thrift.JobSummary;
import io.heroncp.aurora.thrift.Range;
import io.heroncp.aurora.thrift.RoleSummary;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * The simulator's task table and Aurora's read-side rules over it: {@code TaskQuery} matching, job
 * synthesis and {@code JobStats}. Iteration order is creation order, which is also the order
 * queries return. Not thread-safe: {@link AuroraSimulator} guards it with its lock.
 */
final class SimulatedTaskStore {

  private static final Set<ScheduleStatus> ACTIVE = aurora_apiConstants.ACTIVE_STATES;
  private static final Set<ScheduleStatus> TERMINAL = aurora_apiConstants.TERMINAL_STATES;

  private final Map<String, ScheduledTask> tasks = new LinkedHashMap<>();
  private SimulatorJournal journal = SimulatorJournal.NONE;

  /** Where every change of a task is written from now on. */
  void journalTo(SimulatorJournal journal) {
    this.journal = journal;
  }

  SimulatorJournal journal() {
    return journal;
  }

  void add(ScheduledTask task) {
    tasks.put(task.getAssignedTask().getTaskId(), task);
  }

  /** The stored task (not a copy), or null. */
  ScheduledTask get(String taskId) {
    return tasks.get(taskId);
  }

  /** Every stored task (not copies), in creation order. */
  Collection<ScheduledTask> all() {
    return tasks.values();
  }

  /**
   * Keeps only the newest {@code max} terminal tasks of a job (Aurora's history pruning by count).
   */
  void pruneHistory(JobKey job, int max) {
    List<String> terminal = new ArrayList<>();
    for (ScheduledTask task : tasks.values()) {
      if (TERMINAL.contains(task.getStatus())
          && task.getAssignedTask().getTask().getJob().equals(job)) {
        terminal.add(task.getAssignedTask().getTaskId());
      }
    }
    for (int i = 0; i < terminal.size() - max; i++) {
      tasks.remove(terminal.get(i));
      journal.taskRemoved(terminal.get(i));
    }
  }

  /**
   * Copies of the tasks a query matches: fields ANDed, empty sets ignored, offset/limit when &gt;
   * 0.
   */
  List<ScheduledTask> query(TaskQuery query) {
    TaskQuery q = query == null ? new TaskQuery() : query;
    List<ScheduledTask> found = new ArrayList<>();
    for (ScheduledTask task : tasks.values()) {
      if (matches(q, task)) {
        found.add(task);
      }
    }
    int from = q.getOffset() > 0 ? Math.min(q.getOffset(), found.size()) : 0;
    int to = q.getLimit() > 0 ? Math.min(from + q.getLimit(), found.size()) : found.size();
    return found.subList(from, to).stream()
        .map(ScheduledTask::deepCopy)
        .collect(Collectors.toList());
  }

  private static boolean matches(TaskQuery q, ScheduledTask task) {
    AssignedTask assigned = task.getAssignedTask();
    JobKey job = assigned.getTask().getJob();
    return (q.getRole() == null || q.getRole().equals(job.getRole()))
        && (q.getEnvironment() == null || q.getEnvironment().equals(job.getEnvironment()))
        && (q.getJobName() == null || q.getJobName().equals(job.getName()))
        && (isEmpty(q.getTaskIds()) || q.getTaskIds().contains(assigned.getTaskId()))
        && (isEmpty(q.getStatuses()) || q.getStatuses().contains(task.getStatus()))
        && (isEmpty(q.getInstanceIds()) || q.getInstanceIds().contains(assigned.getInstanceId()))
        && (isEmpty(q.getSlaveHosts())
            || assigned.getSlaveHost() != null
                && q.getSlaveHosts().contains(assigned.getSlaveHost()))
        && (isEmpty(q.getJobKeys()) || q.getJobKeys().contains(job));
  }

  private static boolean isEmpty(Collection<?> collection) {
    return collection == null || collection.isEmpty();
  }

  List<ScheduledTask> active(JobKey job) {
    List<ScheduledTask> active = new ArrayList<>();
    for (ScheduledTask task : tasks.values()) {
      if (ACTIVE.contains(task.getStatus())
          && task.getAssignedTask().getTask().getJob().equals(job)) {
        active.add(task);
      }
    }
    return active;
  }

  ScheduledTask active(JobKey job, int instance) {
    for (ScheduledTask task : active(job)) {
      if (task.getAssignedTask().getInstanceId() == instance) {
        return task;
      }
    }
    return null;
  }

  /** Aurora's role summaries: per role, the number of jobs with any task (no cron jobs). */
  Set<RoleSummary> roleSummaries() {
    Map<String, Set<JobKey>> jobsByRole = new LinkedHashMap<>();
    for (ScheduledTask task : tasks.values()) {
      JobKey job = task.getAssignedTask().getTask().getJob();
      jobsByRole.computeIfAbsent(job.getRole(), role -> new HashSet<>()).add(job);
    }
    Set<RoleSummary> summaries = new LinkedHashSet<>();
    jobsByRole.forEach((role, jobs) -> summaries.add(new RoleSummary(role, jobs.size(), 0)));
    return summaries;
  }

  /** Aurora's job summaries over every task of the role's jobs (every role when null). */
  Set<JobSummary> jobSummaries(String role) {
    Set<JobSummary> summaries = new LinkedHashSet<>();
    byJob(tasks.values(), role)
        .forEach(
            (job, jobTasks) ->
                summaries.add(
                    new JobSummary()
                        .setJob(jobConfiguration(job, jobTasks))
                        .setStats(jobStats(jobTasks))));
    return summaries;
  }

  /** Aurora's {@code getJobs}: the synthesized configuration of each job with active tasks. */
  Set<JobConfiguration> activeJobConfigurations(String role) {
    List<ScheduledTask> active =
        tasks.values().stream()
            .filter(task -> ACTIVE.contains(task.getStatus()))
            .collect(Collectors.toList());
    Set<JobConfiguration> configs = new LinkedHashSet<>();
    byJob(active, role).forEach((job, jobTasks) -> configs.add(jobConfiguration(job, jobTasks)));
    return configs;
  }

  /**
   * The included active instances of a job grouped by their config, configs in the order of their
   * first such task (not copies).
   */
  Map<TaskConfig, TreeSet<Integer>> activeInstancesByConfig(JobKey job, IntPredicate included) {
    Map<TaskConfig, TreeSet<Integer>> byConfig = new LinkedHashMap<>();
    for (ScheduledTask task : active(job)) {
      int instance = task.getAssignedTask().getInstanceId();
      if (included.test(instance)) {
        byConfig
            .computeIfAbsent(task.getAssignedTask().getTask(), config -> new TreeSet<>())
            .add(instance);
      }
    }
    return byConfig;
  }

  static Map<JobKey, List<ScheduledTask>> byJob(Collection<ScheduledTask> source, String role) {
    Map<JobKey, List<ScheduledTask>> byJob = new LinkedHashMap<>();
    for (ScheduledTask task : source) {
      JobKey job = task.getAssignedTask().getTask().getJob();
      if (role == null || role.equals(job.getRole())) {
        byJob.computeIfAbsent(job, key -> new ArrayList<>()).add(task);
      }
    }
    return byJob;
  }

  /**
   * Aurora's synthesized job: the config of the most relevant task (active before terminal, then
   * the latest activity) and an instance count equal to the number of tasks given.
   */
  static JobConfiguration jobConfiguration(JobKey job, List<ScheduledTask> jobTasks) {
    ScheduledTask latest =
        jobTasks.stream()
            .max(
                Comparator.comparing((ScheduledTask task) -> ACTIVE.contains(task.getStatus()))
                    .thenComparingLong(SimulatedTaskStore::lastEventTimestamp))
            .orElseThrow();
    TaskConfig config = latest.getAssignedTask().getTask().deepCopy();
    JobConfiguration configuration =
        new JobConfiguration()
            .setKey(job.deepCopy())
            .setTaskConfig(config)
            .setInstanceCount(jobTasks.size());
    if (config.getOwner() != null) {
      configuration.setOwner(config.getOwner().deepCopy());
    }
    return configuration;
  }

  private static long lastEventTimestamp(ScheduledTask task) {
    List<TaskEvent> events = task.getTaskEvents();
    return events == null || events.isEmpty() ? 0 : events.get(events.size() - 1).getTimestamp();
  }

  /**
   * {@code base/Jobs.java}: pending = INIT/PENDING/THROTTLED, finished, failed, active = the rest.
   */
  static JobStats jobStats(Collection<ScheduledTask> jobTasks) {
    JobStats stats = new JobStats(0, 0, 0, 0);
    for (ScheduledTask task : jobTasks) {
      switch (task.getStatus()) {
        case INIT, PENDING, THROTTLED -> stats.setPendingTaskCount(stats.getPendingTaskCount() + 1);
        case KILLED, FINISHED -> stats.setFinishedTaskCount(stats.getFinishedTaskCount() + 1);
        case LOST, FAILED -> stats.setFailedTaskCount(stats.getFailedTaskCount() + 1);
        default -> stats.setActiveTaskCount(stats.getActiveTaskCount() + 1);
      }
    }
    return stats;
  }

  static Set<Range> ranges(TreeSet<Integer> instances) {
    Set<Range> ranges = new LinkedHashSet<>();
    Integer first = null;
    Integer last = null;
    for (int instance : instances) {
      if (first != null && instance == last + 1) {
        last = instance;
      } else {
        if (first != null) {
          ranges.add(new Range(first, last));
        }
        first = instance;
        last = instance;
      }
    }
    if (first != null) {
      ranges.add(new Range(first, last));
    }
    return ranges;
  }
}
