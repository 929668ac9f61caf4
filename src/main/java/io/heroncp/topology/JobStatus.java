package io.heroncp.topology;

import java.time.Instant;
import java.util.Map;

/**
 * A job's live state at the scheduler.
 *
 * @param exists whether the job has any active task
 * @param tasksByStatus count of instances by the Aurora status of each instance's newest task
 * @param lastFailure the most recent task that ended FAILED or LOST among those the scheduler still
 *     keeps, or null
 */
public record JobStatus(
    boolean exists, Map<String, Integer> tasksByStatus, TaskFailure lastFailure) {

  public JobStatus {
    tasksByStatus = Map.copyOf(tasksByStatus);
  }

  public JobStatus(boolean exists, Map<String, Integer> tasksByStatus) {
    this(exists, tasksByStatus, null);
  }

  public int count(String status) {
    return tasksByStatus.getOrDefault(status, 0);
  }

  /**
   * A task that failed: why a topology does not reach RUNNING (a package its agents cannot fetch,
   * for one).
   *
   * @param instance the Aurora instance (Heron container) id
   * @param taskId the scheduler's task id
   * @param status FAILED or LOST
   * @param message the scheduler's message for that status, or null
   * @param time when it entered that status
   */
  public record TaskFailure(
      int instance, String taskId, String status, String message, Instant time) {}
}
