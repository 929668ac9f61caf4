package io.heroncp.topology;

import io.heroncp.topology.TopologyRecord.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Derives a topology's conditions from what was observed: {@code AuroraTasksRunning} (every
 * instance's newest task is RUNNING), {@code TopologyManagerReady} ({@code tmanagers/<name>}
 * exists) and {@code Healthy} (tasks have not been failing or throttled for longer than {@code
 * heroncp.status.degraded-after}). Pure: no I/O, no clock of its own.
 */
public final class TopologyConditions {

  public static final String TASKS_RUNNING = "AuroraTasksRunning";
  public static final String TOPOLOGY_MANAGER_READY = "TopologyManagerReady";
  public static final String HEALTHY = "Healthy";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  /** Aurora statuses of a task that failed or waits out a flapping penalty. */
  private static final Set<String> TROUBLE = Set.of("THROTTLED", "FAILED", "LOST");

  private TopologyConditions() {}

  /**
   * What one look at a topology found.
   *
   * @param conditions the conditions, each keeping its transition time when its status and reason
   *     did not change
   * @param ready every task runs and the topology manager is up, seen by an observation made after
   *     the record's last change (so a restart's old tasks do not count)
   * @param trouble some instance is not running and tasks are failing or throttled
   */
  public record Evaluation(List<Condition> conditions, boolean ready, boolean trouble) {

    /** Whether the conditions differ from the record's in a status or reason. */
    public boolean changes(TopologyRecord record) {
      return !same(conditions, record.conditions());
    }
  }

  /**
   * @param record the topology as recorded
   * @param observed the status watcher's latest observation of it, or null
   * @param announced whether its topology manager has announced itself
   * @param troubleSince since when tasks have been failing or throttled without a pause, or null
   * @param now the time of this evaluation
   * @param degradedAfter how long trouble may last before {@code Healthy} turns False
   */
  public static Evaluation evaluate(
      TopologyRecord record,
      ObservedStatus observed,
      boolean announced,
      Instant troubleSince,
      Instant now,
      Duration degradedAfter) {
    JobStatus job = observed == null ? null : observed.job();
    int expected = record.packing() == null ? 0 : record.packing().auroraInstances();
    int running = job == null ? 0 : job.count("RUNNING");
    boolean allRunning = job != null && job.exists() && running >= expected && expected > 0;
    boolean trouble = job != null && job.exists() && !allRunning && troubled(job, troubleSince);

    List<Condition> conditions = new ArrayList<>();
    conditions.add(keep(record, tasksRunning(record, job, expected, running, allRunning), now));
    conditions.add(keep(record, topologyManager(record, announced), now));
    conditions.add(
        keep(
            record,
            healthy(record, job, allRunning, trouble, troubleSince, now, degradedAfter),
            now));
    boolean observedSinceChange =
        observed != null
            && observed.observedAt() != null
            && record.updatedAt() != null
            && observed.observedAt().isAfter(record.updatedAt());
    return new Evaluation(
        List.copyOf(conditions), allRunning && announced && observedSinceChange, trouble);
  }

  private static boolean troubled(JobStatus job, Instant troubleSince) {
    if (job.tasksByStatus().keySet().stream().anyMatch(TROUBLE::contains)) {
      return true;
    }
    // Between a failure and its rescheduled task's next failure the newest task looks PENDING or
    // STARTING: a failure during the current episode keeps it troubled.
    return troubleSince != null
        && job.lastFailure() != null
        && job.lastFailure().time() != null
        && !job.lastFailure().time().isBefore(troubleSince.minusSeconds(1));
  }

  private static Condition tasksRunning(
      TopologyRecord record, JobStatus job, int expected, int running, boolean allRunning) {
    if (job == null) {
      return new Condition(
          TASKS_RUNNING, UNKNOWN, "NotObserved", "Aurora's tasks have not been observed yet", null);
    }
    if (!job.exists()) {
      return new Condition(
          TASKS_RUNNING,
          FALSE,
          "JobNotFound",
          "Aurora has no active task of job " + record.auroraJob(),
          null);
    }
    String counts = running + "/" + expected + " instances have a RUNNING task";
    if (allRunning) {
      return new Condition(TASKS_RUNNING, TRUE, "AllTasksRunning", counts, null);
    }
    return new Condition(
        TASKS_RUNNING,
        FALSE,
        "TasksNotRunning",
        counts + " (newest tasks by status: " + new TreeMap<>(job.tasksByStatus()) + ")",
        null);
  }

  private static Condition topologyManager(TopologyRecord record, boolean announced) {
    String node = "tmanagers/" + record.key().name();
    return announced
        ? new Condition(
            TOPOLOGY_MANAGER_READY,
            TRUE,
            "Announced",
            "The topology manager announced itself in " + node,
            null)
        : new Condition(
            TOPOLOGY_MANAGER_READY,
            FALSE,
            "NotAnnounced",
            "The topology manager has not announced itself in " + node + " yet",
            null);
  }

  private static Condition healthy(
      TopologyRecord record,
      JobStatus job,
      boolean allRunning,
      boolean trouble,
      Instant troubleSince,
      Instant now,
      Duration degradedAfter) {
    if (job == null) {
      return new Condition(
          HEALTHY, UNKNOWN, "NotObserved", "Aurora's tasks have not been observed yet", null);
    }
    if (trouble && troubleSince != null && !troubleSince.plus(degradedAfter).isAfter(now)) {
      JobStatus.TaskFailure failure = job.lastFailure();
      String why =
          failure == null
              ? "newest tasks by status: " + new TreeMap<>(job.tasksByStatus())
              : "the last failure: instance "
                  + failure.instance()
                  + " "
                  + failure.status()
                  + (failure.message() == null ? "" : ": " + failure.message());
      return new Condition(
          HEALTHY,
          FALSE,
          "TasksFailing",
          "Tasks have been failing or throttled since " + troubleSince + " (" + why + ")",
          null);
    }
    if (!allRunning && record.condition(HEALTHY).map(c -> FALSE.equals(c.status())).orElse(false)) {
      // Still not every task runs: a False verdict stands until they do (also across restarts).
      return record.condition(HEALTHY).get();
    }
    return new Condition(
        HEALTHY,
        TRUE,
        "TasksHealthy",
        allRunning
            ? "Every task runs"
            : "No task has been failing or throttled for longer than " + degradedAfter,
        null);
  }

  /**
   * The new condition with the record's transition time when status and reason are unchanged (the
   * record's message is kept then too, so an unchanged condition causes no write), else now.
   */
  private static Condition keep(TopologyRecord record, Condition fresh, Instant now) {
    return record
        .condition(fresh.type())
        .filter(
            old ->
                old.status().equals(fresh.status()) && Objects.equals(old.reason(), fresh.reason()))
        .orElseGet(
            () ->
                new Condition(fresh.type(), fresh.status(), fresh.reason(), fresh.message(), now));
  }

  private static boolean same(List<Condition> a, List<Condition> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Map<String, Condition> byType = new TreeMap<>();
    b.forEach(c -> byType.put(c.type(), c));
    for (Condition c : a) {
      Condition other = byType.get(c.type());
      if (other == null
          || !other.status().equals(c.status())
          || !Objects.equals(other.reason(), c.reason())) {
        return false;
      }
    }
    return true;
  }
}
