package io.heroncp.aurora;

import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.InstanceKey;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobSummary;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdatePulseStatus;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSummary;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ResponseDetail;
import io.heroncp.aurora.thrift.RoleSummary;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.StartJobUpdateResult;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.cluster.ClusterProperties.Scheduler.Protocol;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TJSONProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.apache.thrift.transport.TTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryPolicy;

/**
 * Aurora's Thrift API over HTTP ({@code POST <scheduler>/api}) for one cluster. Each call
 * serialises the generated client's request into memory, POSTs it with the protocol's media type as
 * {@code Content-Type} and {@code Accept}, follows 307 redirects from a standby itself (the JDK
 * client would not re-POST), and decodes the reply.
 *
 * <p>Errors: no leader (HTTP 503), no connection or discovery failure → {@link
 * DependencyUnavailableException}; the exchange timed out → {@link DependencyTimeoutException} (the
 * call may have taken effect); HTTP 401 and other HTTP errors → {@link DependencyFailedException};
 * a non-OK response code → {@link AuroraResponseException}, except ERROR_TRANSIENT, which is
 * retried a bounded number of times with backoff and then answers 503.
 *
 * <p>Thread-safe: every call builds its own Thrift client and buffers; the HTTP client is shared.
 */
public class AuroraThriftClient {

  static final String BINARY = "application/vnd.apache.thrift.binary";
  static final String JSON = "application/vnd.apache.thrift.json";

  private static final Logger log = LoggerFactory.getLogger(AuroraThriftClient.class);

  private final SchedulerLocator locator;
  private final AuroraClientSettings settings;
  private final HttpClient http;
  private final AuroraProblems problems;
  private final RetryPolicy transientRetry;
  private volatile AuroraCallObserver observer = AuroraCallObserver.NONE;

  public AuroraThriftClient(SchedulerLocator locator, AuroraClientSettings settings) {
    this.locator = locator;
    this.settings = settings;
    this.problems = new AuroraProblems(settings.cluster());
    this.transientRetry =
        BoundedRetry.attempts(settings.transientAttempts(), settings.transientBackoff());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Reports every exchange from now on to {@code observer} (e.g. metrics); replaces the previous
   * one.
   */
  public void observeCalls(AuroraCallObserver observer) {
    this.observer = observer == null ? AuroraCallObserver.NONE : observer;
  }

  /** Where the scheduler is looked up. */
  public SchedulerLocator locator() {
    return locator;
  }

  /**
   * Creates a job; OK carries no result. Not retried on transport errors: a timeout may have
   * created it.
   */
  public Response createJob(JobConfiguration job) {
    return call(
        "createJob", c -> c.send_createJob(job), AuroraSchedulerManager.Client::recv_createJob);
  }

  /**
   * Kills the given instances of a job.
   *
   * @param instances the instance ids; must not be null or empty, because Aurora kills the whole
   *     job then
   * @throws IllegalArgumentException for a null or empty set
   */
  public Response killTasks(JobKey job, Set<Integer> instances, String message) {
    if (instances == null || instances.isEmpty()) {
      throw new IllegalArgumentException(
          "killTasks needs explicit instance ids: Aurora kills every instance of "
              + job
              + " for a null or empty set");
    }
    Set<Integer> ids = new TreeSet<>(instances);
    return call(
        "killTasks",
        c -> c.send_killTasks(job, ids, message),
        AuroraSchedulerManager.Client::recv_killTasks);
  }

  /**
   * Tasks matching the query, without {@code executorConfig.data}. Terminal tasks too unless
   * statuses are set.
   */
  public List<ScheduledTask> getTasksWithoutConfigs(TaskQuery query) {
    Response response =
        call(
            "getTasksWithoutConfigs",
            c -> c.send_getTasksWithoutConfigs(query),
            AuroraSchedulerManager.Client::recv_getTasksWithoutConfigs);
    if (response.getResult() == null || !response.getResult().isSetScheduleStatusResult()) {
      return List.of();
    }
    List<ScheduledTask> tasks = response.getResult().getScheduleStatusResult().getTasks();
    return tasks == null ? List.of() : tasks;
  }

  /** Job summaries of a role (null = all roles). */
  public Set<JobSummary> getJobSummary(String role) {
    Response response =
        call(
            "getJobSummary",
            c -> c.send_getJobSummary(role),
            AuroraSchedulerManager.Client::recv_getJobSummary);
    if (response.getResult() == null || !response.getResult().isSetJobSummaryResult()) {
      return Set.of();
    }
    Set<JobSummary> summaries = response.getResult().getJobSummaryResult().getSummaries();
    return summaries == null ? Set.of() : summaries;
  }

  /** Roles with jobs; a cheap read-only call, used to probe the scheduler. */
  public Set<RoleSummary> getRoleSummary() {
    Response response =
        call(
            "getRoleSummary",
            AuroraSchedulerManager.Client::send_getRoleSummary,
            AuroraSchedulerManager.Client::recv_getRoleSummary);
    if (response.getResult() == null || !response.getResult().isSetRoleSummaryResult()) {
      return Set.of();
    }
    Set<RoleSummary> summaries = response.getResult().getRoleSummaryResult().getSummaries();
    return summaries == null ? Set.of() : summaries;
  }

  /** Restarts the given (active) instances; Aurora rejects an empty set. */
  public Response restartShards(JobKey job, Set<Integer> instances) {
    if (instances == null || instances.isEmpty()) {
      throw new IllegalArgumentException("restartShards needs at least one instance id");
    }
    Set<Integer> ids = new TreeSet<>(instances);
    return call(
        "restartShards",
        c -> c.send_restartShards(job, ids),
        AuroraSchedulerManager.Client::recv_restartShards);
  }

  /**
   * Adds {@code count} instances cloned from the active instance {@code template}; ids are
   * max(active)+1….
   */
  public Response addInstances(InstanceKey template, int count) {
    return call(
        "addInstances",
        c -> c.send_addInstances(template, count),
        AuroraSchedulerManager.Client::recv_addInstances);
  }

  /**
   * Starts a rolling update. An INVALID_REQUEST "active update already exists" comes back as an
   * {@link AuroraResponseException} whose {@code response()} carries the existing update's summary.
   *
   * @return the update's key and summary, or null when Aurora found the job unchanged
   */
  public StartJobUpdateResult startJobUpdate(JobUpdateRequest request, String message) {
    Response response =
        call(
            "startJobUpdate",
            c -> c.send_startJobUpdate(request, message),
            AuroraSchedulerManager.Client::recv_startJobUpdate);
    if (response.getResult() == null || !response.getResult().isSetStartJobUpdateResult()) {
      return null;
    }
    return response.getResult().getStartJobUpdateResult();
  }

  /** Update summaries matching the query, newest-modified first. */
  public List<JobUpdateSummary> getJobUpdateSummaries(JobUpdateQuery query) {
    Response response =
        call(
            "getJobUpdateSummaries",
            c -> c.send_getJobUpdateSummaries(query),
            AuroraSchedulerManager.Client::recv_getJobUpdateSummaries);
    if (response.getResult() == null || !response.getResult().isSetGetJobUpdateSummariesResult()) {
      return List.of();
    }
    List<JobUpdateSummary> summaries =
        response.getResult().getGetJobUpdateSummariesResult().getUpdateSummaries();
    return summaries == null ? List.of() : summaries;
  }

  /**
   * Pulses a coordinated update. Aurora answers FINISHED (not an error) for unknown or finished
   * updates.
   */
  public JobUpdatePulseStatus pulseJobUpdate(JobUpdateKey key) {
    Response response =
        call(
            "pulseJobUpdate",
            c -> c.send_pulseJobUpdate(key),
            AuroraSchedulerManager.Client::recv_pulseJobUpdate);
    if (response.getResult() == null || !response.getResult().isSetPulseJobUpdateResult()) {
      return JobUpdatePulseStatus.FINISHED;
    }
    return response.getResult().getPulseJobUpdateResult().getStatus();
  }

  /** Aborts an update permanently. */
  public Response abortJobUpdate(JobUpdateKey key, String message) {
    return call(
        "abortJobUpdate",
        c -> c.send_abortJobUpdate(key, message),
        AuroraSchedulerManager.Client::recv_abortJobUpdate);
  }

  /** Writes one request with the generated client. */
  @FunctionalInterface
  interface Sender {
    void send(AuroraSchedulerManager.Client client) throws TException;
  }

  /** Reads one reply with the generated client. */
  @FunctionalInterface
  interface Receiver {
    Response receive(AuroraSchedulerManager.Client client) throws TException;
  }

  /**
   * One call, retrying ERROR_TRANSIENT with the settings' attempts and doubling backoff; returns
   * only OK.
   */
  Response call(String method, Sender sender, Receiver receiver) {
    AtomicInteger attempt = new AtomicInteger();
    try {
      return BoundedRetry.run(
          transientRetry,
          "to retry an Aurora call",
          () -> {
            Response response = exchange(method, sender, receiver);
            ResponseCode code = response.getResponseCode();
            if (code == ResponseCode.OK) {
              return response;
            }
            if (code != ResponseCode.ERROR_TRANSIENT) {
              throw new AuroraResponseException(method, code, details(response), response);
            }
            log.warn(
                "Aurora answered {} with ERROR_TRANSIENT (attempt {} of {}): {}",
                method,
                attempt.incrementAndGet(),
                settings.transientAttempts(),
                details(response));
            throw new TransientAnswer(response);
          });
    } catch (TransientAnswer last) {
      throw problems.stillTransient(method, settings.transientAttempts(), details(last.response));
    }
  }

  /** Aurora answered ERROR_TRANSIENT: try again while attempts are left. */
  private static final class TransientAnswer extends BoundedRetry.Again {

    private final transient Response response;

    TransientAnswer(Response response) {
      super("ERROR_TRANSIENT", null);
      this.response = response;
    }
  }

  private Response exchange(String method, Sender sender, Receiver receiver) {
    long start = System.nanoTime();
    String outcome = "FAILED";
    try {
      Response response = exchangeOnce(method, sender, receiver);
      outcome = response.getResponseCode() == null ? outcome : response.getResponseCode().name();
      return response;
    } catch (DependencyTimeoutException e) {
      outcome = "TIMEOUT";
      throw e;
    } catch (DependencyUnavailableException e) {
      outcome = "UNAVAILABLE";
      throw e;
    } finally {
      observer.observe(settings.cluster(), method, outcome, System.nanoTime() - start);
    }
  }

  private Response exchangeOnce(String method, Sender sender, Receiver receiver) {
    try {
      TMemoryBuffer out = new TMemoryBuffer(1024);
      TMemoryInputTransport in = new TMemoryInputTransport();
      AuroraSchedulerManager.Client client =
          new AuroraSchedulerManager.Client(protocol(in), protocol(out));
      sender.send(client);
      byte[] reply = post(method, Arrays.copyOf(out.getArray(), out.length()));
      in.reset(reply);
      return receiver.receive(client);
    } catch (TException e) {
      throw new DependencyFailedException(
          "the Aurora scheduler of cluster "
              + settings.cluster()
              + " sent a reply to "
              + method
              + " that is not a valid Thrift "
              + settings.protocol()
              + " response: "
              + e.getMessage(),
          null,
          e);
    }
  }

  private byte[] post(String method, byte[] body) {
    URI target = api(locator.locate());
    String mediaType = settings.protocol() == Protocol.BINARY ? BINARY : JSON;
    for (int redirects = 0; ; redirects++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .timeout(settings.readTimeout())
              .header("Content-Type", mediaType)
              .header("Accept", mediaType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (settings.hasCredentials()) {
        String token = settings.username() + ":" + settings.password();
        request.header(
            "Authorization",
            "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
      }
      log.debug("Aurora {} -> POST {}", method, target);
      HttpResponse<byte[]> response = send(method, target, request.build());
      int status = response.statusCode();
      if (status == 200) {
        return response.body();
      }
      if (status == 307 || status == 308) {
        String location = response.headers().firstValue("Location").orElse(null);
        if (location == null) {
          throw new DependencyFailedException(
              "the Aurora scheduler at "
                  + target
                  + " redirected "
                  + method
                  + " without a Location header");
        }
        if (redirects >= settings.maxRedirects()) {
          throw new DependencyUnavailableException(
              "the Aurora scheduler of cluster "
                  + settings.cluster()
                  + " redirected "
                  + method
                  + " more than "
                  + settings.maxRedirects()
                  + " times; the leader may be changing, retry later");
        }
        URI next = target.resolve(location);
        log.debug("Aurora {} redirected from {} to {}", method, target, next);
        target = next;
        continue;
      }
      throw problems.ofHttp(method, target, status, response.body());
    }
  }

  private HttpResponse<byte[]> send(String method, URI target, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw problems.ofTransport(method, target, settings.readTimeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyUnavailableException(
          "interrupted while calling the Aurora scheduler", null, e);
    }
  }

  private TProtocol protocol(TTransport transport) {
    return settings.protocol() == Protocol.BINARY
        ? new TBinaryProtocol(transport)
        : new TJSONProtocol(transport);
  }

  private static URI api(URI base) {
    String text = base.toString();
    return URI.create((text.endsWith("/") ? text : text + "/") + "api");
  }

  static String details(Response response) {
    if (response == null || response.getDetails() == null || response.getDetails().isEmpty()) {
      return "(no details)";
    }
    return response.getDetails().stream()
        .map(ResponseDetail::getMessage)
        .collect(Collectors.joining("; "));
  }
}
