package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.JobUpdateStatus;
import io.heroncp.aurora.thrift.JobUpdateStrategy;
import io.heroncp.aurora.thrift.JobUpdateSummary;
import io.heroncp.aurora.thrift.Metadata;
import io.heroncp.aurora.thrift.QueueJobUpdateStrategy;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.StartJobUpdateResult;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls a job to a new task config and instance count with an Aurora job update: start it
 * (recognising a retry of the same update), poll it until it leaves Aurora's active update states,
 * abort it at the deadline.
 */
final class JobUpdater {

  /**
   * The metadata key Aurora's own client tags its updates with, so a retried start is recognised.
   */
  static final String UPDATE_ID_METADATA = "org.apache.aurora.client.update_id";

  private static final String UPDATE_MESSAGE = "Updated by the Heron control plane";
  private static final Logger log = LoggerFactory.getLogger(JobUpdater.class);

  private final String cluster;
  private final AuroraThriftClient client;
  private final ActiveTasks tasks;
  private final AuroraProblems problems;
  private final AuroraUpdatePolicy policy;

  JobUpdater(
      String cluster,
      AuroraThriftClient client,
      ActiveTasks tasks,
      AuroraProblems problems,
      AuroraUpdatePolicy policy) {
    this.cluster = cluster;
    this.client = client;
    this.tasks = tasks;
    this.problems = problems;
    this.policy = Objects.requireNonNull(policy, "updatePolicy");
  }

  /**
   * One {@code startJobUpdate} with the job's task config and instance count, all instances in one
   * group (queue strategy, group size = every instance): a Heron topology does not process while
   * any of its containers is being replaced, so rolling one container at a time only makes the
   * outage longer. No failure is tolerated ({@code maxPerInstanceFailures} and {@code
   * maxFailedInstances} 0), and Aurora rolls back on failure; {@code minWaitInInstanceRunningMs}
   * comes from the {@link AuroraUpdatePolicy}. Then polls {@code getJobUpdateSummaries} with a
   * doubling wait until the update leaves Aurora's active update states.
   *
   * <p>The update carries {@value #UPDATE_ID_METADATA} = a UUID derived from the task config and
   * instance count. So when Aurora answers that an update is already active and it is one with the
   * same id (a retry of this call, or of a start that timed out), this call follows that update
   * instead of failing. "Job is unchanged by proposed update." returns at once, unless an active
   * update with the same id is still running (Aurora compares with the tasks only), which is then
   * followed.
   *
   * @param job the job as the factory builds it for the wanted state
   * @throws ConflictException the job has no active instance, or another update is in progress
   * @throws DependencyFailedException the update ended ROLLED_BACK, ABORTED, ERROR or FAILED
   * @throws DependencyTimeoutException it did not finish within {@code timeout}; it has been
   *     aborted (instances may run a mix of the old and new configuration)
   */
  void update(JobConfiguration job, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JobKey jobKey = job.getKey();
    try {
      SortedSet<Integer> active = tasks.instanceIds(jobKey);
      int groupSize = Math.max(job.getInstanceCount(), active.isEmpty() ? 0 : active.last() + 1);
      JobUpdateRequest update =
          new JobUpdateRequest()
              .setTaskConfig(job.getTaskConfig())
              .setInstanceCount(job.getInstanceCount())
              .setSettings(
                  new JobUpdateSettings()
                      .setUpdateGroupSize(groupSize)
                      .setMaxPerInstanceFailures(0)
                      .setMaxFailedInstances(0)
                      .setMinWaitInInstanceRunningMs((int) policy.minRunning().toMillis())
                      .setRollbackOnFailure(true)
                      .setWaitForBatchCompletion(false)
                      .setUpdateStrategy(
                          JobUpdateStrategy.queueStrategy(new QueueJobUpdateStrategy(groupSize))));
      String updateId = updateId(update);
      update.setMetadata(Set.of(new Metadata(UPDATE_ID_METADATA, updateId)));
      if (active.isEmpty()) {
        // Our own update replaces every instance at once, so a retry can see no active task between
        // a kill and
        // its replacement: follow that update rather than refuse.
        JobUpdateKey ours = activeUpdateWithId(jobKey, updateId);
        if (ours == null) {
          throw new ConflictException(
              "Aurora job "
                  + cluster
                  + "/"
                  + JobKeys.path(jobKey)
                  + " has no active instance, so there is nothing to update; submit the topology instead",
              null);
        }
        await(jobKey, ours, deadline, timeout);
        return;
      }
      JobUpdateKey updateKey = start(jobKey, update, updateId);
      if (updateKey == null) {
        log.info(
            "Aurora job {}/{} is unchanged by the proposed update; nothing to do",
            cluster,
            JobKeys.path(jobKey));
        return;
      }
      await(jobKey, updateKey, deadline, timeout);
    } catch (AuroraResponseException e) {
      throw problems.of(e, job.getTaskConfig(), job.getInstanceCount());
    }
  }

  /**
   * A name-based UUID of the update's task config and instance count (before the metadata is set).
   */
  private static String updateId(JobUpdateRequest update) {
    try {
      byte[] task =
          new TSerializer(new TBinaryProtocol.Factory()).serialize(update.getTaskConfig());
      byte[] bytes =
          ByteBuffer.allocate(task.length + 4).put(task).putInt(update.getInstanceCount()).array();
      return UUID.nameUUIDFromBytes(bytes).toString();
    } catch (TException e) {
      throw new IllegalStateException("cannot serialize a task config", e);
    }
  }

  /** Starts the update, or finds ours already active; null when Aurora found the job unchanged. */
  private JobUpdateKey start(JobKey job, JobUpdateRequest update, String updateId) {
    try {
      return startOnce(job, update, updateId);
    } catch (DependencyTimeoutException e) {
      // The start may have reached Aurora; our update id makes the second attempt recognise it.
      log.warn(
          "startJobUpdate for {}/{} timed out; trying once more with the same update id",
          cluster,
          JobKeys.path(job));
      return startOnce(job, update, updateId);
    }
  }

  private JobUpdateKey startOnce(JobKey job, JobUpdateRequest update, String updateId) {
    try {
      StartJobUpdateResult started = client.startJobUpdate(update, UPDATE_MESSAGE);
      if (started == null) {
        // Aurora compares with the active tasks only: our own update may have replaced them all and
        // still be
        // waiting for them to run long enough. Then follow it rather than report success early.
        return activeUpdateWithId(job, updateId);
      }
      log.info(
          "Aurora started update {} of {}/{} to {} instances",
          started.getKey().getId(),
          cluster,
          JobKeys.path(job),
          update.getInstanceCount());
      return started.getKey();
    } catch (AuroraResponseException e) {
      StartJobUpdateResult existing =
          e.response() != null
                  && e.response().getResult() != null
                  && e.response().getResult().isSetStartJobUpdateResult()
              ? e.response().getResult().getStartJobUpdateResult()
              : null;
      if (e.code() != ResponseCode.INVALID_REQUEST
          || existing == null
          || existing.getKey() == null) {
        throw e;
      }
      if (carriesUpdateId(existing.getUpdateSummary(), updateId)) {
        log.info(
            "update {} of {}/{} is this same update, already started; following it",
            existing.getKey().getId(),
            cluster,
            JobKeys.path(job));
        return existing.getKey();
      }
      String status =
          existing.getUpdateSummary() == null || existing.getUpdateSummary().getState() == null
              ? "unknown"
              : existing.getUpdateSummary().getState().getStatus().name();
      throw new ConflictException(
          "an Aurora job update is already in progress for job "
              + cluster
              + "/"
              + JobKeys.path(job)
              + " (update "
              + existing.getKey().getId()
              + ", "
              + status
              + "); wait for it to finish or abort it, then retry",
          null,
          e);
    }
  }

  /** The key of the job's active update carrying this update id, or null. */
  private JobUpdateKey activeUpdateWithId(JobKey job, String updateId) {
    List<JobUpdateSummary> active =
        client.getJobUpdateSummaries(
            new JobUpdateQuery()
                .setJobKey(job)
                .setUpdateStatuses(EnumSet.copyOf(aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES)));
    for (JobUpdateSummary summary : active) {
      if (carriesUpdateId(summary, updateId)) {
        log.info(
            "the job is already as requested but update {} of {}/{}, this same update, is still active; "
                + "following it",
            summary.getKey().getId(),
            cluster,
            JobKeys.path(job));
        return summary.getKey();
      }
    }
    return null;
  }

  private static boolean carriesUpdateId(JobUpdateSummary summary, String updateId) {
    if (summary == null || summary.getMetadata() == null) {
      return false;
    }
    return summary.getMetadata().stream()
        .anyMatch(m -> UPDATE_ID_METADATA.equals(m.getKey()) && updateId.equals(m.getValue()));
  }

  /**
   * Polls until the update is no longer active, waiting from the policy's first poll doubling to
   * its longest, never past the deadline; aborts it at the deadline.
   */
  private void await(JobKey job, JobUpdateKey update, long deadline, Duration timeout) {
    JobUpdateStatus status;
    try {
      status =
          BoundedRetry.run(
              BoundedRetry.until(deadline, policy.firstPoll(), policy.maxPoll(), true),
              "for an Aurora job update",
              () -> {
                JobUpdateStatus polled = pollStatus(update);
                if (polled == null
                    || aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES.contains(polled)) {
                  throw new BoundedRetry.Again("update " + update.getId() + " still active", null);
                }
                return polled;
              });
    } catch (BoundedRetry.Again stillActive) {
      abortAfterTimeout(job, update, timeout);
      return;
    }
    finished(job, update, status);
  }

  /**
   * The update's status, or null when Aurora could not be asked this time (the deadline still
   * applies).
   */
  private JobUpdateStatus pollStatus(JobUpdateKey update) {
    List<JobUpdateSummary> summaries;
    try {
      summaries = client.getJobUpdateSummaries(new JobUpdateQuery().setKey(update));
    } catch (DependencyUnavailableException | DependencyTimeoutException e) {
      log.warn(
          "cannot read the status of Aurora update {} now: {}", update.getId(), e.getMessage());
      return null;
    }
    if (summaries.isEmpty() || summaries.get(0).getState() == null) {
      throw new DependencyFailedException(
          "the Aurora scheduler of cluster "
              + cluster
              + " no longer knows update "
              + update.getId()
              + " of job "
              + JobKeys.path(update.getJob())
              + "; check the job and retry the update");
    }
    return summaries.get(0).getState().getStatus();
  }

  private void finished(JobKey job, JobUpdateKey update, JobUpdateStatus status) {
    if (status == JobUpdateStatus.ROLLED_FORWARD) {
      log.info(
          "Aurora update {} of {}/{} rolled forward", update.getId(), cluster, JobKeys.path(job));
      return;
    }
    String why =
        switch (status) {
          case ROLLED_BACK ->
              "a new task failed and Aurora rolled the job back to its previous configuration;"
                  + " check the new tasks' logs";
          case ABORTED -> "someone aborted it";
          default -> "Aurora gave up on it";
        };
    throw new DependencyFailedException(
        "the Aurora job update "
            + update.getId()
            + " of "
            + cluster
            + "/"
            + JobKeys.path(job)
            + " ended "
            + status
            + ": "
            + why
            + "; fix the cause and retry the update");
  }

  private void abortAfterTimeout(JobKey job, JobUpdateKey update, Duration timeout) {
    String message = "Aborted by the Heron control plane: not finished within " + timeout;
    String what =
        "the Aurora job update "
            + update.getId()
            + " of "
            + cluster
            + "/"
            + JobKeys.path(job)
            + " did not finish within "
            + timeout;
    try {
      client.abortJobUpdate(update, message);
    } catch (AuroraResponseException e) {
      // It may have finished between the last poll and the abort.
      JobUpdateStatus status = pollStatus(update);
      if (status != null && !aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES.contains(status)) {
        finished(job, update, status);
        return;
      }
      throw new DependencyTimeoutException(
          what
              + " and could not be aborted ("
              + e.details()
              + "); abort it with the Aurora client, then retry",
          null,
          e);
    } catch (DependencyUnavailableException | DependencyTimeoutException e) {
      throw new DependencyTimeoutException(
          what
              + " and the scheduler could not be reached to abort it ("
              + e.getMessage()
              + "); abort it with the Aurora client, then retry",
          null,
          e);
    }
    log.warn(
        "Aurora update {} of {}/{} did not finish within {}; aborted",
        update.getId(),
        cluster,
        JobKeys.path(job),
        timeout);
    throw new DependencyTimeoutException(
        what
            + " and was aborted, so its instances may run a mix of"
            + " the old and new configuration; retry the update with a longer timeout");
  }
}
