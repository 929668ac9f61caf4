package io.heroncp.simulator;

import static io.heroncp.simulator.AuroraResponses.assertValid;

import io.heroncp.aurora.thrift.ConfigGroup;
import io.heroncp.aurora.thrift.ConfigSummary;
import io.heroncp.aurora.thrift.ConfigSummaryResult;
import io.heroncp.aurora.thrift.ExecutorConfig;
import io.heroncp.aurora.thrift.GetJobUpdateDetailsResult;
import io.heroncp.aurora.thrift.GetJobUpdateSummariesResult;
import io.heroncp.aurora.thrift.GetJobsResult;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobSummaryResult;
import io.heroncp.aurora.thrift.JobUpdateDetails;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateSummary;
import io.heroncp.aurora.thrift.PopulateJobResult;
import io.heroncp.aurora.thrift.ReadOnlyScheduler;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ResponseDetail;
import io.heroncp.aurora.thrift.Result;
import io.heroncp.aurora.thrift.RoleSummaryResult;
import io.heroncp.aurora.thrift.ScheduleStatusResult;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.simulator.ConfigurationValidator.InvalidConfigurationException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The read side of the simulated scheduler (Aurora's {@code ReadOnlySchedulerImpl}): task, job,
 * config and update queries over the simulator's state, read under its lock; results are copies.
 */
final class SimulatedReadOnlyScheduler implements ReadOnlyScheduler.Iface {

  private final Object lock;
  private final SimulatedTaskStore tasks;
  private final JobUpdater updates;
  private final ConfigurationValidator validator;
  private final AuroraResponses responses;
  private final SimulatedQuotas quotas;

  SimulatedReadOnlyScheduler(
      Object lock,
      SimulatedTaskStore tasks,
      JobUpdater updates,
      ConfigurationValidator validator,
      AuroraResponses responses,
      SimulatedQuotas quotas) {
    this.quotas = quotas;
    this.lock = lock;
    this.tasks = tasks;
    this.updates = updates;
    this.validator = validator;
    this.responses = responses;
  }

  @Override
  public Response getRoleSummary() {
    return responses.call(
        () -> {
          synchronized (lock) {
            return responses.ok(
                Result.roleSummaryResult(new RoleSummaryResult(tasks.roleSummaries())));
          }
        });
  }

  @Override
  public Response getJobSummary(String role) {
    return responses.call(
        () -> {
          synchronized (lock) {
            return responses.ok(
                Result.jobSummaryResult(new JobSummaryResult(tasks.jobSummaries(role))));
          }
        });
  }

  /** Copies of the matching tasks, read under the lock. */
  private List<ScheduledTask> query(TaskQuery query) {
    synchronized (lock) {
      return tasks.query(query);
    }
  }

  @Override
  public Response getTasksStatus(TaskQuery query) {
    return responses.call(
        () -> responses.ok(Result.scheduleStatusResult(new ScheduleStatusResult(query(query)))));
  }

  @Override
  public Response getTasksWithoutConfigs(TaskQuery query) {
    return responses.call(
        () -> {
          List<ScheduledTask> found = query(query);
          for (ScheduledTask task : found) {
            ExecutorConfig executor = task.getAssignedTask().getTask().getExecutorConfig();
            if (executor == null) {
              // Aurora unsets data on a null executorConfig and fails the whole call.
              throw new NullPointerException(
                  "Task " + task.getAssignedTask().getTaskId() + " has no executorConfig");
            }
            executor.unsetData();
          }
          return responses.ok(Result.scheduleStatusResult(new ScheduleStatusResult(found)));
        });
  }

  @Override
  public Response getConfigSummary(JobKey job) {
    return responses.call(
        () -> {
          JobKey key = assertValid(job);
          synchronized (lock) {
            Set<ConfigGroup> groups = new LinkedHashSet<>();
            tasks
                .activeInstancesByConfig(key, instance -> true)
                .forEach(
                    (config, instances) ->
                        groups.add(
                            new ConfigGroup(
                                config.deepCopy(), SimulatedTaskStore.ranges(instances))));
            return responses.ok(
                Result.configSummaryResult(
                    new ConfigSummaryResult(new ConfigSummary(key.deepCopy(), groups))));
          }
        });
  }

  @Override
  public Response getJobs(String ownerRole) {
    return responses.call(
        () -> {
          synchronized (lock) {
            return responses.ok(
                Result.getJobsResult(new GetJobsResult(tasks.activeJobConfigurations(ownerRole))));
          }
        });
  }

  /** Aurora's {@code getQuota}: a blank role is ERROR (its {@code checkNotBlank}). */
  @Override
  public Response getQuota(String ownerRole) {
    return responses.call(
        () -> {
          if (ownerRole == null || ownerRole.isBlank()) {
            throw new IllegalArgumentException("Argument cannot be blank: ownerRole");
          }
          synchronized (lock) {
            return responses.ok(Result.getQuotaResult(quotas.quotaResult(ownerRole)));
          }
        });
  }

  @Override
  public Response populateJobConfig(JobConfiguration description) {
    return responses.call(
        () -> {
          try {
            JobConfiguration populated = validator.validateAndPopulate(description);
            return responses.ok(
                Result.populateJobResult(new PopulateJobResult(populated.getTaskConfig())));
          } catch (InvalidConfigurationException e) {
            return responses.of(
                ResponseCode.INVALID_REQUEST, "Invalid configuration: " + e.getMessage());
          }
        });
  }

  @Override
  public Response getJobUpdateSummaries(JobUpdateQuery query) {
    return responses.call(
        () -> {
          synchronized (lock) {
            List<JobUpdateSummary> summaries =
                updates.query(query).stream()
                    .map(SimulatedJobUpdate::summary)
                    .collect(Collectors.toList());
            return responses.ok(
                Result.getJobUpdateSummariesResult(new GetJobUpdateSummariesResult(summaries)));
          }
        });
  }

  @Override
  public Response getJobUpdateDetails(JobUpdateKey key, JobUpdateQuery query) {
    return responses.call(
        () -> {
          synchronized (lock) {
            if (query != null) {
              List<JobUpdateDetails> details =
                  updates.query(query).stream()
                      .map(SimulatedJobUpdate::details)
                      .collect(Collectors.toList());
              return responses.ok(
                  Result.getJobUpdateDetailsResult(
                      new GetJobUpdateDetailsResult().setDetailsList(details)));
            }
            if (key != null) {
              SimulatedJobUpdate update = updates.find(key);
              if (update == null) {
                return responses.of(ResponseCode.INVALID_REQUEST, "Invalid update: " + key);
              }
              Response response =
                  responses.ok(
                      Result.getJobUpdateDetailsResult(
                          new GetJobUpdateDetailsResult().setDetails(update.details())));
              response.addToDetails(
                  new ResponseDetail(
                      "The key argument is deprecated, use the query argument instead"));
              return response;
            }
            return responses.of(ResponseCode.ERROR, "Either key or query must be set.");
          }
        });
  }
}
