package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.problems.ClusterMisconfiguredException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.QuotaExceededException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Aurora's answers and transport failures as the service's problems, for one cluster: the one place
 * that decides which status a failure gets and what its message tells the caller to do next.
 */
final class AuroraProblems {

  /** The start of Aurora's quota refusal ({@code QuotaManager}). */
  static final String INSUFFICIENT_QUOTA = "Insufficient resource quota";

  /**
   * Aurora's INVALID_REQUEST messages about what the scheduler allows rather than what was asked
   * ({@code ConfigurationManager}): tiers, executors, container types, cluster features.
   */
  private static final Pattern OPERATOR_MATTERS =
      Pattern.compile(
          "Invalid tier '|Tier contains illegal characters|Configuration for executor '"
              + "|This scheduler is (not )?configured to|support is disabled in this cluster"
              + "|is disabled in this cluster");

  private final String cluster;

  AuroraProblems(String cluster) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
  }

  /**
   * Aurora's non-OK answers in general: a rejected request 422, an update in progress 409, denied
   * 502; refusals the request cannot fix (quota, the cluster's tier or executor) as their own
   * types.
   */
  RuntimeException of(AuroraResponseException e) {
    return of(e, null, 0);
  }

  /**
   * As {@link #of(AuroraResponseException)}, for a call that asked for {@code instances} tasks of
   * {@code task}: a quota refusal then names the role and what was asked.
   */
  RuntimeException of(AuroraResponseException e, TaskConfig task, int instances) {
    if (e.code() == ResponseCode.INVALID_REQUEST && e.details().contains(INSUFFICIENT_QUOTA)) {
      return quotaExceeded(e, task, instances, task == null ? null : task.getJob().getRole());
    }
    if (e.code() == ResponseCode.INVALID_REQUEST && OPERATOR_MATTERS.matcher(e.details()).find()) {
      return new ClusterMisconfiguredException(
          "the Aurora scheduler of cluster "
              + cluster
              + " refused "
              + e.method()
              + " for a reason of the cluster's configuration, not of this request: "
              + e.details()
              + ". An operator must make heroncp.clusters."
              + cluster
              + " (tier, environment-tiers) match the scheduler's tiers and executors",
          e);
    }
    return switch (e.code()) {
      case INVALID_REQUEST ->
          new InvalidFieldException(
              "Aurora rejected "
                  + e.method()
                  + ": "
                  + e.details()
                  + "; fix the request and try again",
              null,
              e);
      case JOB_UPDATING_ERROR ->
          new ConflictException(
              "an update of this job is in progress at Aurora ("
                  + e.details()
                  + "); wait for it or abort it",
              null,
              e);
      case AUTH_FAILED ->
          new DependencyFailedException(
              "the Aurora scheduler of cluster "
                  + cluster
                  + " denied the permission ("
                  + e.details()
                  + "); grant heroncp.clusters."
                  + cluster
                  + ".scheduler.username the thrift.AuroraSchedulerManager permission for this role",
              null,
              e);
      default -> e;
    };
  }

  private QuotaExceededException quotaExceeded(
      AuroraResponseException e, TaskConfig task, int instances, String role) {
    StringBuilder message =
        new StringBuilder("the Aurora scheduler of cluster ")
            .append(cluster)
            .append(" refused ")
            .append(e.method())
            .append(role == null ? "" : " for role " + role)
            .append(": ")
            .append(e.details())
            .append('.');
    if (task != null) {
      message.append(" Asked for: ").append(asked(task, instances)).append('.');
      if (task.isSetTier()) {
        message
            .append(" Aurora checks quota because the job's tier '")
            .append(task.getTier())
            .append("' is a production tier (heroncp.clusters.")
            .append(cluster)
            .append(".tier / environment-tiers).");
      }
    }
    message
        .append(" Changing the request will not help: the Aurora operator must raise role ")
        .append(role == null ? "<role>" : role)
        .append("'s quota (aurora_admin set_quota ")
        .append(cluster)
        .append(' ')
        .append(role == null ? "<role>" : role)
        .append(" <cpus> <ram> <disk>), then submit again");
    return new QuotaExceededException(message.toString(), e);
  }

  /** {@code N instances x (cpu, ram, disk) = total}, what a quota check counts. */
  static String asked(TaskConfig task, int instances) {
    double cpus = 0;
    long ram = 0;
    long disk = 0;
    for (Resource resource : task.getResources()) {
      if (resource.isSetNumCpus()) {
        cpus = resource.getNumCpus();
      } else if (resource.isSetRamMb()) {
        ram = resource.getRamMb();
      } else if (resource.isSetDiskMb()) {
        disk = resource.getDiskMb();
      }
    }
    return String.format(
        Locale.ROOT,
        "%d instance(s) x (%s CPU, %d MB RAM, %d MB disk) = %s CPU, %d MB RAM, %d MB disk",
        instances,
        cpus,
        ram,
        disk,
        cpus * instances,
        ram * instances,
        disk * instances);
  }

  /** Whether createJob was refused because a job with the key exists. */
  static boolean jobExists(AuroraResponseException e) {
    return e.code() == ResponseCode.INVALID_REQUEST && e.details().contains("already exists");
  }

  /** A restartShards answer: an instance that is not active is the caller's conflict. */
  RuntimeException ofRestart(JobKey job, Set<Integer> instances, AuroraResponseException e) {
    if (e.code() == ResponseCode.INVALID_REQUEST
        && e.details().contains("Not all requested shards are active")) {
      return new ConflictException(
          "Aurora refused to restart instances "
              + instances
              + " of job "
              + cluster
              + "/"
              + JobKeys.path(job)
              + ": "
              + e.details()
              + " Restart only instances the job status shows as active.",
          "instances",
          e);
    }
    return of(e);
  }

  /**
   * An addInstances answer (or of a call made to add them): no active instance 0 is the caller's
   * conflict.
   */
  RuntimeException ofAdd(JobKey job, AuroraResponseException e) {
    if (e.code() == ResponseCode.INVALID_REQUEST && e.details().contains("No active task found")) {
      return noTemplate(job, e);
    }
    if (e.code() == ResponseCode.INVALID_REQUEST && e.details().contains(INSUFFICIENT_QUOTA)) {
      return quotaExceeded(e, null, 0, job.getRole());
    }
    return of(e);
  }

  ConflictException noTemplate(JobKey job, Throwable cause) {
    return new ConflictException(
        "instance 0 of Aurora job "
            + cluster
            + "/"
            + JobKeys.path(job)
            + " is not active, so there is no task config to clone new instances from; restart instance 0 or "
            + "update the job, then retry",
        null,
        cause);
  }

  /** ERROR_TRANSIENT every time a call was tried. */
  DependencyUnavailableException stillTransient(String method, int attempts, String details) {
    return new DependencyUnavailableException(
        "the Aurora scheduler of cluster "
            + cluster
            + " answered "
            + method
            + " with ERROR_TRANSIENT "
            + attempts
            + " times ("
            + details
            + "); retry later");
  }

  /**
   * An HTTP exchange that failed before an answer: no connection 503, a timeout 504 (the call may
   * have worked).
   */
  RuntimeException ofTransport(String method, URI target, Duration readTimeout, IOException e) {
    if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
      return new DependencyUnavailableException(
          "cannot connect to the Aurora scheduler of cluster "
              + cluster
              + " at "
              + target
              + " ("
              + e
              + "); check that it runs and is reachable",
          null,
          e);
    }
    if (e instanceof HttpTimeoutException) {
      return new DependencyTimeoutException(
          "the Aurora scheduler of cluster "
              + cluster
              + " did not answer "
              + method
              + " within "
              + readTimeout
              + "; the call may still take effect, check before retrying",
          null,
          e);
    }
    // connected, so the request may have been sent and acted on before the exchange broke
    return DependencyUnavailableException.afterSending(
        "the call "
            + method
            + " to the Aurora scheduler of cluster "
            + cluster
            + " at "
            + target
            + " failed: "
            + e,
        e);
  }

  /**
   * An HTTP status other than 200 or a redirect: no leader 503, refused credentials and the rest
   * 502.
   */
  RuntimeException ofHttp(String method, URI target, int status, byte[] body) {
    if (status == 503) {
      return new DependencyUnavailableException(
          "the Aurora scheduler at "
              + target
              + " knows no leader (HTTP 503); retry when cluster "
              + cluster
              + " has elected one");
    }
    if (status == 401 || status == 403) {
      return new DependencyFailedException(
          "the Aurora scheduler of cluster "
              + cluster
              + " refused the credentials"
              + " for "
              + method
              + " (HTTP "
              + status
              + "); check heroncp.clusters."
              + cluster
              + ".scheduler.username/password");
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return new DependencyFailedException(
        "the Aurora scheduler at "
            + target
            + " answered "
            + method
            + " with HTTP "
            + status
            + ": "
            + text.strip());
  }
}
