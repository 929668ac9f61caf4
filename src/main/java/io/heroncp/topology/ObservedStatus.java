package io.heroncp.topology;

import java.time.Instant;

/**
 * What the status watcher last saw of one topology's Aurora job, kept in memory.
 *
 * @param topologyId the topology id the tasks were counted for (a later topology of the same name
 *     does not inherit the observation)
 * @param job the last successful observation, or null before the first one
 * @param observedAt when {@code job} was observed, or null before the first observation
 * @param error why the latest attempt to observe failed (the scheduler's error), or null when it
 *     succeeded; {@code job} is then older than that attempt
 * @param errorAt when that attempt failed, or null
 */
public record ObservedStatus(
    String topologyId, JobStatus job, Instant observedAt, String error, Instant errorAt) {

  /** Whether the latest attempt failed, so {@code job} may be outdated. */
  public boolean stale() {
    return error != null;
  }

  ObservedStatus observed(JobStatus newJob, Instant at) {
    return new ObservedStatus(topologyId, newJob, at, null, null);
  }

  ObservedStatus failed(String message, Instant at) {
    return new ObservedStatus(topologyId, job, observedAt, message, at);
  }
}
