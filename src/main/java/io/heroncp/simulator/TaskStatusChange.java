package io.heroncp.simulator;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.TaskConfig;

/**
 * One simulated task entering a status, as {@link AuroraSimulator} reports it to a {@link
 * TaskStatusListener}.
 *
 * @param job the task's job
 * @param instanceId the task's instance id (for a Heron job, the Heron container index)
 * @param taskId the task id
 * @param status the status the task has just entered
 * @param task a copy of the task's config (the listener may keep or change it)
 */
public record TaskStatusChange(
    JobKey job, int instanceId, String taskId, ScheduleStatus status, TaskConfig task) {}
