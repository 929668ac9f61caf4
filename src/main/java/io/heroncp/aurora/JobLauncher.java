package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.problems.BusyException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.topology.TopologyKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a topology's Aurora job. Safe to retry: a job that already runs the same topology id
 * counts as created, also after a create that timed out. Waits a bounded time for a job of the same
 * name that Aurora is still killing.
 */
final class JobLauncher {

  /**
   * How long a submit waits for Aurora to finish killing the job of an earlier topology of the same
   * name (tasks KILLING: Thermos gives processes up to the template's finalization_wait of 30 s)
   * before answering 409.
   */
  static final Duration DYING_JOB_WAIT = Duration.ofSeconds(45);

  private static final Duration DYING_JOB_RETRY_AFTER = Duration.ofSeconds(10);
  private static final Duration FIRST_LOOK = Duration.ofMillis(100);
  private static final Duration LONGEST_LOOK = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(JobLauncher.class);

  private final String cluster;
  private final AuroraThriftClient client;
  private final ActiveTasks tasks;
  private final AuroraProblems problems;
  private final Duration dyingJobWait;

  JobLauncher(
      String cluster,
      AuroraThriftClient client,
      ActiveTasks tasks,
      AuroraProblems problems,
      Duration dyingJobWait) {
    this.cluster = cluster;
    this.client = client;
    this.tasks = tasks;
    this.problems = problems;
    this.dyingJobWait = Objects.requireNonNull(dyingJobWait, "dyingJobWait");
  }

  /**
   * Creates the job of this topology; once more after a timeout, unless the first create did take
   * effect.
   */
  void launch(TopologyKey key, JobConfiguration job, String topologyId) {
    try {
      create(job, topologyId);
    } catch (DependencyTimeoutException timeout) {
      // The create may have reached Aurora: look before trying once more.
      log.warn("createJob for {} timed out; checking whether the job exists before retrying", key);
      if (ActiveTasks.runTopology(tasks.of(job.getKey()), topologyId)) {
        log.info("job {} exists with topology id {} after a timed-out create", key, topologyId);
        return;
      }
      create(job, topologyId);
    }
  }

  /**
   * Creates until the job is there or the name is taken: a job Aurora is still killing (an earlier
   * topology of this name, killed a moment ago) is waited for up to {@code dyingJobWait}, with
   * looks from 100 ms doubling to 2 s; longer answers 409 with Retry-After.
   */
  private void create(JobConfiguration job, String topologyId) {
    long deadline = System.nanoTime() + dyingJobWait.toNanos();
    try {
      BoundedRetry.run(
          BoundedRetry.until(deadline, FIRST_LOOK, LONGEST_LOOK, false),
          "for Aurora to kill an earlier job",
          () -> createOnce(job, topologyId));
    } catch (StillKilling e) {
      throw new BusyException(
          "Aurora is still killing job "
              + cluster
              + "/"
              + JobKeys.path(job.getKey())
              + " of an earlier topology of this name ("
              + e.tasks
              + " tasks KILLING after "
              + dyingJobWait.toMillis()
              + " ms); submit again once it is gone",
          DYING_JOB_RETRY_AFTER.toSeconds(),
          e.getCause());
    }
  }

  /**
   * One createJob, and what "already exists" means: the same topology's job (a retry: done),
   * another topology's job (409), or a job being killed ({@link StillKilling}: look again).
   */
  private Void createOnce(JobConfiguration job, String topologyId) {
    try {
      client.createJob(job);
      log.info(
          "created Aurora job {}/{} with {} instances",
          cluster,
          JobKeys.path(job.getKey()),
          job.getInstanceCount());
      return null;
    } catch (AuroraResponseException e) {
      if (!AuroraProblems.jobExists(e)) {
        throw problems.of(e, job.getTaskConfig(), job.getInstanceCount());
      }
      List<ScheduledTask> active = tasks.of(job.getKey());
      boolean dying = active.stream().allMatch(task -> task.getStatus() == ScheduleStatus.KILLING);
      if (!active.isEmpty() && !dying) {
        if (ActiveTasks.runTopology(active, topologyId)) {
          log.info(
              "Aurora job {}/{} already runs topology id {}; create is a retry",
              cluster,
              JobKeys.path(job.getKey()),
              topologyId);
          return null;
        }
        throw new ConflictException(
            "Aurora job "
                + cluster
                + "/"
                + JobKeys.path(job.getKey())
                + " already exists and does not run topology id "
                + topologyId
                + "; kill it first or choose another topology name",
            "name",
            e);
      }
      log.info(
          "Aurora job {}/{} of an earlier topology is still being killed ({} tasks KILLING)",
          cluster,
          JobKeys.path(job.getKey()),
          active.size());
      throw new StillKilling(active.size(), e);
    }
  }

  /** The name is held by a job Aurora is killing. */
  private static final class StillKilling extends BoundedRetry.Again {

    private final int tasks;

    StillKilling(int tasks, AuroraResponseException cause) {
      super("tasks KILLING", cause);
      this.tasks = tasks;
    }
  }
}
