package io.heroncp.topology;

/**
 * The scheduler of one cluster, as the lifecycle service sees it. The Aurora implementation
 * translates these calls into Aurora's Thrift API; nothing above this interface knows about Thrift.
 *
 * <p>Errors are the domain exceptions of {@code io.heroncp.problems}: an unreachable scheduler is
 * {@code DependencyUnavailableException} (503), a timeout {@code DependencyTimeoutException} (504),
 * a scheduler-side rejection of the job {@code InvalidFieldException} (422) or {@code
 * ConflictException} (409, the job exists), any other scheduler error {@code
 * DependencyFailedException} (502).
 */
public interface TopologyScheduler {

  /** The cluster this scheduler serves. */
  String cluster();

  /**
   * The exact job the scheduler would be sent for this request, rendered for a dry run. Sends
   * nothing.
   */
  JobRendering render(JobRequest request);

  /**
   * Creates the job. Safe to retry: when a previous attempt already created the job with the same
   * topology id (e.g. the first call timed out), it returns normally instead of failing.
   */
  void createJob(JobRequest request);

  /**
   * Kills every instance of the job and returns once the scheduler accepted it. Idempotent: a job
   * with no active task is already killed.
   */
  void killJob(TopologyKey key);

  /** The job's live task counts, by Aurora status of each instance's newest task. */
  JobStatus status(TopologyKey key);

  /**
   * As {@link #status(TopologyKey)}, counting only the job's current instances {@code
   * 0..instances-1} and, where the scheduler can tell, only the tasks of the topology with this id.
   * A job key is reused when a topology of the same name is submitted again, and a scale-down
   * leaves instances behind: their last tasks stay in the scheduler's history but are not part of
   * the topology any more.
   */
  default JobStatus status(TopologyKey key, String topologyId, int instances) {
    return status(key);
  }

  /**
   * What {@link #statuses} asks about one job: as {@link #status(TopologyKey, String, int)}.
   *
   * @param key the topology (its Aurora job)
   * @param topologyId count only tasks of this topology id (null: every task)
   * @param instances count only instances {@code 0..instances-1}
   */
  record StatusQuery(TopologyKey key, String topologyId, int instances) {}

  /**
   * The status of many jobs of this cluster in ONE scheduler call (the status watcher's batch). The
   * answer has an entry for every query; a job without any task is {@code exists == false} with no
   * counts. Callers bound the batch size. Fails as a whole (no partial answer).
   */
  default java.util.Map<TopologyKey, JobStatus> statuses(java.util.List<StatusQuery> queries) {
    java.util.Map<TopologyKey, JobStatus> answer = new java.util.LinkedHashMap<>();
    for (StatusQuery query : queries) {
      answer.put(query.key(), status(query.key(), query.topologyId(), query.instances()));
    }
    return answer;
  }

  /**
   * Restarts these instances (Aurora {@code restartShards}); every one must be active. Never called
   * with an empty set.
   */
  void restart(TopologyKey key, java.util.Set<Integer> instances);

  /**
   * Adds {@code count} instances cloned from instance 0's task config (Aurora {@code addInstances})
   * and returns the new instance ids. Not idempotent: each call adds {@code count}; use {@link
   * #scaleTo} when a retry must be safe.
   */
  java.util.List<Integer> addInstances(TopologyKey key, int count);

  /**
   * Makes the job have exactly {@code instanceCount} active instances {@code 0..instanceCount-1}:
   * adds instances cloned from instance 0 or kills the highest ones. Idempotent and safe to retry.
   */
  void scaleTo(TopologyKey key, int instanceCount);

  /** Kills exactly these instances (never the whole job; an empty set is refused). Idempotent. */
  void killInstances(TopologyKey key, java.util.Set<Integer> instances);

  /**
   * Rolls the job to the task config and instance count of {@code request} with an Aurora job
   * update ({@code startJobUpdate}, then polling its status until it is no longer active, bounded
   * by {@code timeout}; an update that does not finish in time is aborted). A concurrent update in
   * progress answers {@code ConflictException}.
   */
  void updateJob(JobRequest request, java.time.Duration timeout);

  /**
   * The calls {@link #updateJob} makes to roll the job to {@code instanceCount} instances of this
   * size, in order and as a dry run lists them. Sends nothing.
   */
  java.util.List<String> describeUpdate(
      TopologyKey key, int instanceCount, io.heroncp.heron.Resources perInstance);

  /**
   * The calls {@link #scaleTo} makes to take the job from {@code from} to {@code to} instances, as
   * a dry run lists them (none when equal). Sends nothing.
   */
  java.util.List<String> describeScale(TopologyKey key, int from, int to);

  /**
   * Checks one part of a job's identity (name, role, environment, user) by the scheduler's rules.
   *
   * @throws io.heroncp.problems.InvalidFieldException naming {@code field} and the rule
   */
  void checkIdentifier(String field, String value);

  /**
   * Checks that this cluster's scheduler accepts the environment; InvalidFieldException otherwise.
   */
  void checkEnvironment(String environment);

  /** Whether the scheduler answers now, and where it was found. Never throws. */
  SchedulerProbe probe();
}
