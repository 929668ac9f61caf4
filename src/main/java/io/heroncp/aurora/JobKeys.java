package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Metadata;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.topology.TopologyKey;

/** How a topology maps to its Aurora job, and back from a task. */
final class JobKeys {

  private JobKeys() {}

  static JobKey of(TopologyKey key) {
    return new JobKey(key.role(), key.environment(), key.name());
  }

  /** {@code role/environment/name}, as Aurora's client writes a job key after the cluster. */
  static String path(JobKey key) {
    return key.getRole() + "/" + key.getEnvironment() + "/" + key.getName();
  }

  /**
   * The {@code heron.topology.id} metadata of the task's config, or null (a job not made by this
   * service).
   */
  static String topologyIdOf(ScheduledTask task) {
    TaskConfig config = task.getAssignedTask() == null ? null : task.getAssignedTask().getTask();
    if (config == null || config.getMetadata() == null) {
      return null;
    }
    for (Metadata metadata : config.getMetadata()) {
      if (AuroraJobFactory.TOPOLOGY_ID_METADATA.equals(metadata.getKey())) {
        return metadata.getValue();
      }
    }
    return null;
  }
}
