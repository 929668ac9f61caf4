package io.heroncp.simulator;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.heron.HeronPaths;
import org.apache.curator.framework.recipes.cache.CuratorCache;

/**
 * One topology the {@link TopologyManagerStandIn} answers for. Mutable fields are guarded by the
 * stand-in's lock.
 */
final class ServedTopology {
  final JobKey job;
  final String name;
  final String id;
  final HeronPaths paths;
  CuratorCache packingPlanWatch;
  boolean locationWritten;

  ServedTopology(JobKey job, String name, String id, HeronPaths paths) {
    this.job = job;
    this.name = name;
    this.id = id;
    this.paths = paths;
  }
}
