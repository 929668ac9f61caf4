package io.heroncp.simulator;

import io.heroncp.aurora.thrift.Constraint;
import io.heroncp.aurora.thrift.GetQuotaResult;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.ResourceAggregate;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Aurora's role quotas ({@code QuotaManager}): a role's quota comes from {@link
 * SimulatorProperties#quotas()} (none = 0 of everything, as in Aurora); only production,
 * non-dedicated tasks are checked against it, by their role's current production consumption plus
 * what the call adds. Messages are Aurora's ({@code Insufficient resource quota: CPU quota exceeded
 * by 1.00 core(s); ...}).
 *
 * <p>Not thread-safe: callers hold the simulator's lock.
 */
final class SimulatedQuotas {

  /** The prefix of Aurora's refusal (INVALID_REQUEST). */
  static final String INSUFFICIENT_QUOTA = "Insufficient resource quota: ";

  private static final String DEDICATED = "dedicated";

  private final Map<String, SimulatorProperties.Quota> quotas;
  private final SimulatedTaskStore tasks;

  SimulatedQuotas(Map<String, SimulatorProperties.Quota> quotas, SimulatedTaskStore tasks) {
    this.quotas = Map.copyOf(quotas);
    this.tasks = tasks;
  }

  /** CPU, RAM (MiB) and disk (MiB), the three resources Aurora's quota counts. */
  record Amount(double cpus, long ramMb, long diskMb) {
    static final Amount NONE = new Amount(0, 0, 0);

    static Amount of(TaskConfig task) {
      double cpus = 0;
      long ram = 0;
      long disk = 0;
      if (task.isSetResources()) {
        for (Resource resource : task.getResources()) {
          if (resource.isSetNumCpus()) {
            cpus += resource.getNumCpus();
          } else if (resource.isSetRamMb()) {
            ram += resource.getRamMb();
          } else if (resource.isSetDiskMb()) {
            disk += resource.getDiskMb();
          }
        }
      }
      return new Amount(cpus, ram, disk);
    }

    Amount plus(Amount other) {
      return new Amount(cpus + other.cpus, ramMb + other.ramMb, diskMb + other.diskMb);
    }

    Amount times(int count) {
      return new Amount(cpus * count, ramMb * count, diskMb * count);
    }

    Amount max(Amount other) {
      return new Amount(
          Math.max(cpus, other.cpus), Math.max(ramMb, other.ramMb), Math.max(diskMb, other.diskMb));
    }

    ResourceAggregate aggregate() {
      Set<Resource> resources = new LinkedHashSet<>();
      resources.add(Resource.numCpus(cpus));
      resources.add(Resource.ramMb(ramMb));
      resources.add(Resource.diskMb(diskMb));
      return new ResourceAggregate().setResources(resources);
    }
  }

  /** The role's quota; 0 of everything when none was set. */
  Amount quota(String role) {
    SimulatorProperties.Quota quota = quotas.get(role);
    return quota == null ? Amount.NONE : new Amount(quota.cpus(), quota.ramMb(), quota.diskMb());
  }

  /** {@code getQuota}: the quota and the four consumptions of the role's active tasks. */
  GetQuotaResult quotaResult(String role) {
    Amount prodShared = Amount.NONE;
    Amount nonProdShared = Amount.NONE;
    Amount prodDedicated = Amount.NONE;
    Amount nonProdDedicated = Amount.NONE;
    for (ScheduledTask task : active(role, null)) {
      TaskConfig config = task.getAssignedTask().getTask();
      Amount amount = Amount.of(config);
      boolean production = config.isProduction();
      if (dedicated(config)) {
        if (production) {
          prodDedicated = prodDedicated.plus(amount);
        } else {
          nonProdDedicated = nonProdDedicated.plus(amount);
        }
      } else if (production) {
        prodShared = prodShared.plus(amount);
      } else {
        nonProdShared = nonProdShared.plus(amount);
      }
    }
    return new GetQuotaResult(quota(role).aggregate())
        .setProdSharedConsumption(prodShared.aggregate())
        .setNonProdSharedConsumption(nonProdShared.aggregate())
        .setProdDedicatedConsumption(prodDedicated.aggregate())
        .setNonProdDedicatedConsumption(nonProdDedicated.aggregate());
  }

  /**
   * Aurora's {@code checkInstanceAddition} (createJob, addInstances): {@code instances} more tasks
   * of {@code template} (a populated config).
   *
   * @return Aurora's refusal, or null when the quota suffices or the task is not checked
   */
  String checkAddition(TaskConfig template, int instances) {
    if (!checked(template)) {
      return null;
    }
    String role = template.getJob().getRole();
    Amount wanted = prodConsumption(role, null).plus(Amount.of(template).times(instances));
    return compare(quota(role), wanted);
  }

  /**
   * Aurora's {@code checkJobUpdate}: the job's instances become {@code instanceCount} of {@code
   * desired}; while it rolls, each resource counts at the larger of the job's current use and the
   * desired one.
   */
  String checkUpdate(TaskConfig desired, int instanceCount) {
    if (!checked(desired)) {
      return null;
    }
    JobKey job = desired.getJob();
    String role = job.getRole();
    Amount current = Amount.NONE;
    for (ScheduledTask task : tasks.active(job)) {
      TaskConfig config = task.getAssignedTask().getTask();
      if (checked(config)) {
        current = current.plus(Amount.of(config));
      }
    }
    Amount during = current.max(Amount.of(desired).times(instanceCount));
    return compare(quota(role), prodConsumption(role, job).plus(during));
  }

  /** Only production, non-dedicated tasks are quota-checked. */
  private static boolean checked(TaskConfig task) {
    return task.isProduction() && !dedicated(task);
  }

  private static boolean dedicated(TaskConfig task) {
    if (!task.isSetConstraints()) {
      return false;
    }
    for (Constraint constraint : task.getConstraints()) {
      if (DEDICATED.equals(constraint.getName())) {
        return true;
      }
    }
    return false;
  }

  /** Production shared consumption of the role's active tasks, leaving out {@code except}'s. */
  private Amount prodConsumption(String role, JobKey except) {
    Amount total = Amount.NONE;
    for (ScheduledTask task : active(role, except)) {
      TaskConfig config = task.getAssignedTask().getTask();
      if (checked(config)) {
        total = total.plus(Amount.of(config));
      }
    }
    return total;
  }

  private List<ScheduledTask> active(String role, JobKey except) {
    Collection<ScheduledTask> all = tasks.all();
    List<ScheduledTask> matching = new ArrayList<>();
    for (ScheduledTask task : all) {
      JobKey job = task.getAssignedTask().getTask().getJob();
      if (aurora_apiConstants.ACTIVE_STATES.contains(task.getStatus())
          && job.getRole().equals(role)
          && !job.equals(except)) {
        matching.add(task);
      }
    }
    return matching;
  }

  /** Aurora's {@code QuotaCheckResult.greaterOrEqual} and its message. */
  private static String compare(Amount quota, Amount wanted) {
    List<String> exceeded = new ArrayList<>();
    exceed(exceeded, "CPU", quota.cpus(), wanted.cpus(), "core(s)");
    exceed(exceeded, "RAM", quota.ramMb(), wanted.ramMb(), "MB");
    exceed(exceeded, "DISK", quota.diskMb(), wanted.diskMb(), "MB");
    return exceeded.isEmpty() ? null : INSUFFICIENT_QUOTA + String.join("; ", exceeded);
  }

  private static void exceed(
      List<String> exceeded, String resource, double quota, double wanted, String unit) {
    if (quota < wanted) {
      exceeded.add(
          String.format(
              Locale.ROOT, "%s quota exceeded by %.2f %s", resource, wanted - quota, unit));
    }
  }
}
