package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.topology.JobStatus;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyScheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's live status from its tasks: counts by status of each instance's newest task, and the last
 * failure.
 */
final class JobStatusReader {

  private final AuroraThriftClient client;
  private final AuroraProblems problems;

  JobStatusReader(AuroraThriftClient client, AuroraProblems problems) {
    this.client = client;
    this.problems = problems;
  }

  /**
   * Tasks of instances {@code >= instances}, and tasks whose {@code heron.topology.id} metadata
   * names another topology (an earlier one of the same name), are left out; tasks without that
   * metadata (jobs not made by this service) count.
   *
   * @param topologyId the topology's id, or null to count every task
   */
  JobStatus read(TopologyKey key, String topologyId, int instances) {
    return readAll(List.of(new TopologyScheduler.StatusQuery(key, topologyId, instances))).get(key);
  }

  /**
   * Every query's job in one {@code getTasksWithoutConfigs} (a {@code TaskQuery} with all their job
   * keys), each counted as {@link #read} does.
   */
  Map<TopologyKey, JobStatus> readAll(List<TopologyScheduler.StatusQuery> queries) {
    Map<JobKey, TopologyScheduler.StatusQuery> byJob = new LinkedHashMap<>();
    for (TopologyScheduler.StatusQuery query : queries) {
      byJob.put(JobKeys.of(query.key()), query);
    }
    List<ScheduledTask> tasks;
    try {
      tasks = client.getTasksWithoutConfigs(new TaskQuery().setJobKeys(byJob.keySet()));
    } catch (AuroraResponseException e) {
      throw problems.of(e);
    }
    Map<JobKey, List<ScheduledTask>> tasksByJob = new HashMap<>();
    for (ScheduledTask task : tasks) {
      JobKey job = jobOf(task);
      if (job == null && byJob.size() == 1) {
        job = byJob.keySet().iterator().next();
      }
      if (job != null) {
        tasksByJob.computeIfAbsent(job, j -> new ArrayList<>()).add(task);
      }
    }
    Map<TopologyKey, JobStatus> answer = new LinkedHashMap<>();
    byJob.forEach(
        (job, query) ->
            answer.put(
                query.key(),
                status(
                    tasksByJob.getOrDefault(job, List.of()),
                    query.topologyId(),
                    query.instances())));
    return answer;
  }

  private static JobKey jobOf(ScheduledTask task) {
    return task.getAssignedTask() == null || task.getAssignedTask().getTask() == null
        ? null
        : task.getAssignedTask().getTask().getJob();
  }

  private static JobStatus status(List<ScheduledTask> all, String topologyId, int instances) {
    List<ScheduledTask> tasks =
        all.stream()
            .filter(
                task -> {
                  if (task.getAssignedTask().getInstanceId() >= instances) {
                    return false;
                  }
                  String id = topologyId == null ? null : JobKeys.topologyIdOf(task);
                  return id == null || id.equals(topologyId);
                })
            .toList();
    Map<Integer, ScheduledTask> newest = new HashMap<>();
    for (ScheduledTask task : tasks) {
      newest.merge(
          task.getAssignedTask().getInstanceId(),
          task,
          (a, b) -> createdAt(b) > createdAt(a) ? b : a);
    }
    Map<String, Integer> counts = new TreeMap<>();
    boolean exists = false;
    for (ScheduledTask task : newest.values()) {
      counts.merge(task.getStatus().name(), 1, Integer::sum);
      exists |= aurora_apiConstants.ACTIVE_STATES.contains(task.getStatus());
    }
    return new JobStatus(exists, counts, lastFailure(tasks));
  }

  /** The task that entered FAILED or LOST last, with the event that says why. */
  private static JobStatus.TaskFailure lastFailure(List<ScheduledTask> tasks) {
    JobStatus.TaskFailure last = null;
    for (ScheduledTask task : tasks) {
      if (task.getStatus() != ScheduleStatus.FAILED && task.getStatus() != ScheduleStatus.LOST) {
        continue;
      }
      List<TaskEvent> events = task.getTaskEvents() == null ? List.of() : task.getTaskEvents();
      TaskEvent event =
          events.stream()
              .filter(e -> e.getStatus() == task.getStatus())
              .reduce((first, second) -> second)
              .orElse(null);
      long time = event == null ? 0 : event.getTimestamp();
      if (last == null || time > last.time().toEpochMilli()) {
        last =
            new JobStatus.TaskFailure(
                task.getAssignedTask().getInstanceId(),
                task.getAssignedTask().getTaskId(),
                task.getStatus().name(),
                event == null ? null : event.getMessage(),
                Instant.ofEpochMilli(time));
      }
    }
    return last;
  }

  /**
   * When the task was created: its first event, as Aurora's own client orders an instance's tasks.
   */
  private static long createdAt(ScheduledTask task) {
    List<TaskEvent> events = task.getTaskEvents();
    return events == null || events.isEmpty() ? Long.MIN_VALUE : events.get(0).getTimestamp();
  }
}
