package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A job's active tasks (Aurora's ACTIVE_STATES, KILLING and RESTARTING included), read fresh on
 * every call.
 */
final class ActiveTasks {

  private final AuroraThriftClient client;

  ActiveTasks(AuroraThriftClient client) {
    this.client = client;
  }

  List<ScheduledTask> of(JobKey job) {
    return client.getTasksWithoutConfigs(
        new TaskQuery()
            .setJobKeys(Set.of(job))
            .setStatuses(EnumSet.copyOf(aurora_apiConstants.ACTIVE_STATES)));
  }

  /** The ids of the job's active instances. */
  SortedSet<Integer> instanceIds(JobKey job) {
    SortedSet<Integer> instances = new TreeSet<>();
    for (ScheduledTask task : of(job)) {
      instances.add(task.getAssignedTask().getInstanceId());
    }
    return instances;
  }

  /**
   * Whether these active tasks are this topology's job at work: some, all with its id, none being
   * killed (a job Aurora is killing belongs to an earlier topology of the name, even with the same
   * id).
   */
  static boolean runTopology(List<ScheduledTask> active, String topologyId) {
    return !active.isEmpty()
        && active.stream()
            .allMatch(
                task ->
                    topologyId.equals(JobKeys.topologyIdOf(task))
                        && task.getStatus() != ScheduleStatus.KILLING);
  }
}
