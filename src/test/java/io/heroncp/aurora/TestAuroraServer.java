package io.heroncp.aurora;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heroncp.aurora.thrift.AssignedTask;
import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.InstanceKey;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ResponseDetail;
import io.heroncp.aurora.thrift.Result;
import io.heroncp.aurora.thrift.RoleSummary;
import io.heroncp.aurora.thrift.RoleSummaryResult;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduleStatusResult;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.ServerInfo;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TJSONProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;

/**
 * A test-only Aurora endpoint: real HTTP on 127.0.0.1 and the generated Thrift {@code Processor},
 * negotiating the protocol from {@code Content-Type} and {@code Accept} the way Aurora's servlet
 * does, with switches for the HTTP behaviours a client must handle (standby 307, no leader 503,
 * basic auth 401, a hanging call). The handler keeps a small job store (tasks per job) and records
 * every call. Not an Aurora simulator.
 */
final class TestAuroraServer implements AutoCloseable {

  static final String BINARY = "application/vnd.apache.thrift.binary";
  static final String JSON = "application/vnd.apache.thrift.json";

  /** One HTTP request as received. */
  record Exchange(
      String method, String path, String contentType, String accept, String authorization) {}

  final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  final Handler handler = new Handler();

  volatile int forcedStatus;
  volatile URI redirectTo;
  volatile String requiredUser;
  volatile String requiredPassword;
  volatile CountDownLatch hang;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  TestAuroraServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    CountDownLatch latch = hang;
    if (latch != null) {
      latch.countDown();
    }
    CountDownLatch hold = handler.holdCreateReply;
    if (hold != null) {
      hold.countDown();
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      String accept = exchange.getRequestHeaders().getFirst("Accept");
      exchanges.add(
          new Exchange(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              contentType,
              accept,
              exchange.getRequestHeaders().getFirst("Authorization")));
      CountDownLatch latch = hang;
      if (latch != null) {
        try {
          latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      if (forcedStatus != 0) {
        respond(
            exchange,
            forcedStatus,
            "text/html",
            "<html>no leader</html>".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (redirectTo != null) {
        exchange
            .getResponseHeaders()
            .add("Location", redirectTo.resolve(exchange.getRequestURI().getPath()).toString());
        respond(exchange, 307, "text/plain", new byte[0]);
        return;
      }
      if (requiredUser != null
          && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange
            .getResponseHeaders()
            .add("WWW-Authenticate", "BASIC realm=\"Apache Aurora Scheduler\"");
        respond(exchange, 401, "text/plain", new byte[0]);
        return;
      }
      if (!"/api".equals(exchange.getRequestURI().getPath())) {
        respond(exchange, 404, "text/plain", new byte[0]);
        return;
      }
      boolean binaryIn;
      if (BINARY.equals(contentType)) {
        binaryIn = true;
      } else if (contentType == null
          || JSON.equals(contentType)
          || "application/x-thrift".equals(contentType)
          || "application/json".equals(contentType)) {
        binaryIn = false;
      } else {
        respond(
            exchange,
            415,
            "text/plain",
            ("Unsupported Content-Type: " + contentType).getBytes(StandardCharsets.UTF_8));
        return;
      }
      boolean binaryOut = BINARY.equals(accept);
      try {
        TMemoryInputTransport in = new TMemoryInputTransport(body);
        TMemoryBuffer out = new TMemoryBuffer(1024);
        TProtocol inProtocol = binaryIn ? new TBinaryProtocol(in) : new TJSONProtocol(in);
        TProtocol outProtocol = binaryOut ? new TBinaryProtocol(out) : new TJSONProtocol(out);
        new AuroraSchedulerManager.Processor<>(handler).process(inProtocol, outProtocol);
        byte[] reply = java.util.Arrays.copyOf(out.getArray(), out.length());
        respond(exchange, 200, binaryOut ? BINARY : JSON, reply);
      } catch (TException e) {
        respond(exchange, 500, "text/plain", e.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private boolean authorized(String header) {
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (requiredUser + ":" + requiredPassword).getBytes(StandardCharsets.UTF_8));
    return expected.equals(header);
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  static Response ok() {
    return new Response()
        .setResponseCode(ResponseCode.OK)
        .setServerInfo(new ServerInfo().setClusterName("test"))
        .setDetails(new ArrayList<>());
  }

  static Response error(ResponseCode code, String message) {
    return new Response()
        .setResponseCode(code)
        .setServerInfo(new ServerInfo().setClusterName("test"))
        .setDetails(new ArrayList<>(List.of(new ResponseDetail(message))));
  }

  /** Records calls; answers scripted responses first, otherwise from a small job store. */
  static final class Handler implements AuroraSchedulerManager.Iface {

    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, Deque<Response>> scripted = new HashMap<>();
    final List<ScheduledTask> tasks = new CopyOnWriteArrayList<>();
    volatile JobConfiguration created;
    volatile Set<Integer> killedInstances;
    volatile TaskQuery lastQuery;

    /**
     * When set, createJob creates the job and then holds its reply until the latch opens (a
     * timed-out create).
     */
    volatile CountDownLatch holdCreateReply;

    private int nextTaskId;

    synchronized void script(String method, Response... responses) {
      scripted.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(List.of(responses));
    }

    private Response scriptedOr(String method, java.util.function.Supplier<Response> fallback) {
      Response response;
      synchronized (this) {
        calls.add(method);
        Deque<Response> queue = scripted.get(method);
        response = queue == null ? null : queue.poll();
      }
      // The fallback runs outside the lock: createJob may hold its reply while other calls go on.
      return response != null ? response : fallback.get();
    }

    /** Adds a task for instance {@code instance} of the job, created at {@code createdAt}. */
    ScheduledTask addTask(
        JobKey job, int instance, ScheduleStatus status, long createdAt, String topologyId) {
      io.heroncp.aurora.thrift.TaskConfig config =
          new io.heroncp.aurora.thrift.TaskConfig().setJob(job);
      if (topologyId != null) {
        config.setMetadata(
            new java.util.HashSet<>(
                List.of(
                    new io.heroncp.aurora.thrift.Metadata(
                        AuroraJobFactory.TOPOLOGY_ID_METADATA, topologyId))));
      }
      ScheduledTask task =
          new ScheduledTask()
              .setAssignedTask(
                  new AssignedTask()
                      .setTaskId(
                          job.getRole()
                              + "-"
                              + job.getEnvironment()
                              + "-"
                              + job.getName()
                              + "-"
                              + instance
                              + "-"
                              + (nextTaskId++))
                      .setInstanceId(instance)
                      .setTask(config))
              .setStatus(status)
              .setTaskEvents(
                  new ArrayList<>(
                      List.of(new TaskEvent().setTimestamp(createdAt).setStatus(status))));
      tasks.add(task);
      return task;
    }

    private List<ScheduledTask> matching(TaskQuery query) {
      List<ScheduledTask> result = new ArrayList<>();
      for (ScheduledTask task : tasks) {
        JobKey job = task.getAssignedTask().getTask().getJob();
        if (query.isSetJobKeys() && !query.getJobKeys().contains(job)) {
          continue;
        }
        if (query.isSetStatuses()
            && !query.getStatuses().isEmpty()
            && !query.getStatuses().contains(task.getStatus())) {
          continue;
        }
        result.add(task.deepCopy());
      }
      return result;
    }

    @Override
    public Response getRoleSummary() {
      return scriptedOr(
          "getRoleSummary",
          () ->
              ok().setResult(
                      Result.roleSummaryResult(
                          new RoleSummaryResult()
                              .setSummaries(Set.of(new RoleSummary("alice", 1, 0))))));
    }

    @Override
    public Response getTasksWithoutConfigs(TaskQuery query) {
      lastQuery = query;
      return scriptedOr(
          "getTasksWithoutConfigs",
          () ->
              ok().setResult(
                      Result.scheduleStatusResult(
                          new ScheduleStatusResult().setTasks(matching(query)))));
    }

    @Override
    public Response createJob(JobConfiguration description) {
      return scriptedOr(
          "createJob",
          () -> {
            JobKey key = description.getKey();
            boolean exists =
                tasks.stream()
                    .anyMatch(
                        t ->
                            t.getAssignedTask().getTask().getJob().equals(key)
                                && aurora_apiConstants.ACTIVE_STATES.contains(t.getStatus()));
            if (exists) {
              return error(
                  ResponseCode.INVALID_REQUEST,
                  "Job "
                      + key.getRole()
                      + "/"
                      + key.getEnvironment()
                      + "/"
                      + key.getName()
                      + " already exists");
            }
            created = description;
            String topologyId =
                JobKeys.topologyIdOf(
                    new ScheduledTask()
                        .setAssignedTask(new AssignedTask().setTask(description.getTaskConfig())));
            for (int i = 0; i < description.getInstanceCount(); i++) {
              addTask(key, i, ScheduleStatus.PENDING, System.currentTimeMillis(), topologyId);
            }
            CountDownLatch hold = holdCreateReply;
            if (hold != null) {
              try {
                hold.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return ok();
          });
    }

    @Override
    public Response killTasks(JobKey job, Set<Integer> instances, String message) {
      killedInstances = instances;
      return scriptedOr(
          "killTasks",
          () -> {
            for (ScheduledTask task : tasks) {
              if (task.getAssignedTask().getTask().getJob().equals(job)
                  && instances.contains(task.getAssignedTask().getInstanceId())
                  && aurora_apiConstants.ACTIVE_STATES.contains(task.getStatus())) {
                task.setStatus(ScheduleStatus.KILLING);
              }
            }
            return ok();
          });
    }

    @Override
    public Response getJobSummary(String role) {
      return scriptedOr("getJobSummary", TestAuroraServer::ok);
    }

    @Override
    public Response getTasksStatus(TaskQuery query) {
      return scriptedOr("getTasksStatus", TestAuroraServer::ok);
    }

    @Override
    public Response getConfigSummary(JobKey job) {
      return scriptedOr("getConfigSummary", TestAuroraServer::ok);
    }

    @Override
    public Response getJobs(String ownerRole) {
      return scriptedOr("getJobs", TestAuroraServer::ok);
    }

    @Override
    public Response getQuota(String ownerRole) {
      return scriptedOr("getQuota", TestAuroraServer::ok);
    }

    @Override
    public Response populateJobConfig(JobConfiguration description) {
      return scriptedOr("populateJobConfig", TestAuroraServer::ok);
    }

    @Override
    public Response getJobUpdateSummaries(JobUpdateQuery jobUpdateQuery) {
      return scriptedOr("getJobUpdateSummaries", TestAuroraServer::ok);
    }

    @Override
    public Response getJobUpdateDetails(JobUpdateKey key, JobUpdateQuery query) {
      return scriptedOr("getJobUpdateDetails", TestAuroraServer::ok);
    }

    @Override
    public Response restartShards(JobKey job, Set<Integer> shardIds) {
      return scriptedOr("restartShards", TestAuroraServer::ok);
    }

    @Override
    public Response addInstances(InstanceKey key, int count) {
      return scriptedOr("addInstances", TestAuroraServer::ok);
    }

    @Override
    public Response startJobUpdate(JobUpdateRequest request, String message) {
      return scriptedOr("startJobUpdate", TestAuroraServer::ok);
    }

    @Override
    public Response pauseJobUpdate(JobUpdateKey key, String message) {
      return scriptedOr("pauseJobUpdate", TestAuroraServer::ok);
    }

    @Override
    public Response resumeJobUpdate(JobUpdateKey key, String message) {
      return scriptedOr("resumeJobUpdate", TestAuroraServer::ok);
    }

    @Override
    public Response abortJobUpdate(JobUpdateKey key, String message) {
      return scriptedOr("abortJobUpdate", TestAuroraServer::ok);
    }

    @Override
    public Response rollbackJobUpdate(JobUpdateKey key, String message) {
      return scriptedOr("rollbackJobUpdate", TestAuroraServer::ok);
    }

    @Override
    public Response pulseJobUpdate(JobUpdateKey key) {
      return scriptedOr("pulseJobUpdate", TestAuroraServer::ok);
    }
  }
}
