package io.heroncp.aurora;

import io.heroncp.aurora.thrift.ExecutorConfig;
import io.heroncp.aurora.thrift.Identity;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.TaskConfig;
import java.util.LinkedHashSet;
import java.util.Set;

/** Small Aurora jobs for client tests. */
final class AuroraTestJobs {

  private AuroraTestJobs() {}

  /** A job Aurora accepts: AuroraExecutor, 1 cpu, 128 MiB RAM and disk, one named port. */
  static JobConfiguration job(String role, String environment, String name, int instances) {
    JobKey key = new JobKey(role, environment, name);
    Set<Resource> resources = new LinkedHashSet<>();
    resources.add(Resource.numCpus(1));
    resources.add(Resource.ramMb(128));
    resources.add(Resource.diskMb(128));
    resources.add(Resource.namedPort("http"));
    TaskConfig task =
        new TaskConfig()
            .setJob(key)
            .setOwner(new Identity(role))
            .setIsService(true)
            .setMaxTaskFailures(1)
            .setTier("preemptible")
            .setResources(resources)
            .setConstraints(new LinkedHashSet<>())
            .setExecutorConfig(new ExecutorConfig("AuroraExecutor", "{}"));
    return new JobConfiguration()
        .setKey(key.deepCopy())
        .setOwner(new Identity(role))
        .setTaskConfig(task)
        .setInstanceCount(instances);
  }
}
