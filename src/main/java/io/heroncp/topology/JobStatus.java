package io.heroncp.topology;

import java.util.Map;

/**
 * A job's live state at the scheduler.
 *
 * @param exists whether the job has any active task
 * @param tasksByStatus count of instances by the Aurora status of each instance's newest task
 */
public record JobStatus(boolean exists, Map<String, Integer> tasksByStatus) {

  public JobStatus {
    tasksByStatus = Map.copyOf(tasksByStatus);
  }

  public int count(String status) {
    return tasksByStatus.getOrDefault(status, 0);
  }
}
