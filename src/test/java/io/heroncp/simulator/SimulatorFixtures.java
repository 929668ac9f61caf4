package io.heroncp.simulator;

import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.ExecutorConfig;
import io.heroncp.aurora.thrift.Identity;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.TaskConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TJSONProtocol;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.transport.THttpClient;
import org.apache.thrift.transport.TMemoryBuffer;
import org.apache.thrift.transport.TMemoryInputTransport;

/** Builders for the simulator tests: properties, a valid job, and Thrift calls over real HTTP. */
final class SimulatorFixtures {

  static final Duration STEP = Duration.ofMillis(40);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private SimulatorFixtures() {}

  static SimulatorProperties properties() {
    return properties(0, null, null);
  }

  /**
   * A quota for the fixtures' role www-data that its jobs never reach: the fixture jobs run on the
   * production tier {@code preferred}, which Aurora checks against the role's quota (0 unless set).
   */
  static final java.util.Map<String, SimulatorProperties.Quota> QUOTAS =
      java.util.Map.of("www-data", new SimulatorProperties.Quota(1000, 10_000_000, 10_000_000));

  static SimulatorProperties properties(int standbyPort, String username, String password) {
    return new SimulatorProperties(
            true,
            "test-cluster",
            "127.0.0.1",
            0,
            "/aurora/scheduler",
            "^(prod|devel|test|staging\\d*)$",
            STEP,
            STEP,
            STEP,
            STEP,
            standbyPort,
            username,
            password)
        .withQuotas(QUOTAS);
  }

  static JobKey key(String name) {
    return new JobKey("www-data", "prod", name);
  }

  /** A job Aurora accepts: AuroraExecutor, 0.5 cpu, 128 MiB RAM, 256 MiB disk, named port http. */
  static JobConfiguration job(JobKey key, int instances) {
    Set<Resource> resources = new LinkedHashSet<>();
    resources.add(Resource.numCpus(0.5));
    resources.add(Resource.ramMb(128));
    resources.add(Resource.diskMb(256));
    resources.add(Resource.namedPort("http"));
    TaskConfig task =
        new TaskConfig()
            .setJob(key.deepCopy())
            .setOwner(new Identity("www-data"))
            .setIsService(true)
            .setPriority(0)
            .setMaxTaskFailures(1)
            .setTier("preferred")
            .setResources(resources)
            .setConstraints(new LinkedHashSet<>())
            .setExecutorConfig(
                new ExecutorConfig("AuroraExecutor", "{\"name\":\"" + key.getName() + "\"}"));
    return new JobConfiguration()
        .setKey(key.deepCopy())
        .setOwner(new Identity("www-data"))
        .setTaskConfig(task)
        .setInstanceCount(instances);
  }

  /** A generated client speaking TJSON through the stock THttpClient, as Aurora's own ITs do. */
  static AuroraSchedulerManager.Client client(URI endpoint) throws TException {
    return new AuroraSchedulerManager.Client(
        new TJSONProtocol(new THttpClient(endpoint.toString())));
  }

  /** The bytes a generated client writes for one call. */
  static byte[] encode(TProtocolFactory protocol, ThriftCall<Void> send) throws Exception {
    TMemoryBuffer buffer = new TMemoryBuffer(256);
    send.apply(new AuroraSchedulerManager.Client(protocol.getProtocol(buffer)));
    return Arrays.copyOf(buffer.getArray(), buffer.length());
  }

  /** Decodes the reply to a call made by {@link #encode} with a generated client's recv method. */
  static <T> T decode(TProtocolFactory protocol, byte[] reply, ThriftCall<T> receive)
      throws Exception {
    AuroraSchedulerManager.Client client =
        new AuroraSchedulerManager.Client(protocol.getProtocol(new TMemoryInputTransport(reply))) {
          {
            // encode() used a fresh client, whose first call carries sequence id 1.
            seqid_ = 1;
          }
        };
    return receive.apply(client);
  }

  static HttpResponse<byte[]> post(URI endpoint, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @FunctionalInterface
  interface ThriftCall<T> {
    T apply(AuroraSchedulerManager.Client client) throws Exception;
  }
}
