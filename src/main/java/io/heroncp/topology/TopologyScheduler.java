package io.heroncp.topology;

/**
 * The scheduler of one cluster, as the lifecycle service sees it. The Aurora implementation translates
 * these calls into Aurora's Thrift API; nothing above this interface knows about Thrift.
 *
 * <p>Errors are the domain exceptions of {@code io.heroncp.problems}: an unreachable scheduler is
 * {@code DependencyUnavailableException} (503), a timeout {@code DependencyTimeoutException} (504), a
 * scheduler-side rejection of the job {@code InvalidFieldException} (422) or {@code ConflictException}
 * (409, the job exists), any other scheduler error {@code DependencyFailedException} (502).
 */
public interface TopologyScheduler {

  /** The cluster this scheduler serves. */
  String cluster();

  /** The exact job the scheduler would be sent for this request, rendered for a dry run. Sends nothing. */
  JobRendering render(JobRequest request);

  /**
   * Creates the job. Safe to retry: when a previous attempt already created the job with the same topology
   * id (e.g. the first call timed out), it returns normally instead of failing.
   */
  void createJob(JobRequest request);

  /**
   * Kills every instance of the job and returns once the scheduler accepted it. Idempotent: a job with no
   * active task is already killed.
   */
  void killJob(TopologyKey key);

  /** The job's live task counts, by Aurora status of each instance's newest task. */
  JobStatus status(TopologyKey key);

  /** Whether the scheduler answers now, and where it was found. Never throws. */
  SchedulerProbe probe();
}
