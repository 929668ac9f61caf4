package io.heroncp.simulator;

import static io.heroncp.simulator.SimulatorFixtures.decode;
import static io.heroncp.simulator.SimulatorFixtures.encode;
import static io.heroncp.simulator.SimulatorFixtures.job;
import static io.heroncp.simulator.SimulatorFixtures.key;
import static io.heroncp.simulator.SimulatorFixtures.post;
import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TJSONProtocol;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.transport.TTransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Aurora's transport rules (§1.1, §1.2, §7) on the simulator's real HTTP listener. */
class SimulatorHttpServerTest {

  private static final TProtocolFactory JSON = new TJSONProtocol.Factory();
  private static final TProtocolFactory BINARY = new TBinaryProtocol.Factory();

  private AuroraSimulator simulator;
  private SimulatorHttpServer server;

  private URI start(SimulatorProperties properties) throws Exception {
    simulator = new AuroraSimulator(properties);
    server = new SimulatorHttpServer(simulator, properties);
    server.start();
    return server.apiEndpoint();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  @Test
  void exposesTheBoundPortAndEndpoint() throws Exception {
    URI api = start(SimulatorFixtures.properties());

    assertThat(server.port()).isPositive();
    assertThat(api).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/api"));
    assertThat(server.standbyApiEndpoint()).isNull();
  }

  @Test
  void servesItsHeronCorePackageAsATarGzWithReleaseYaml() throws Exception {
    start(SimulatorFixtures.properties());
    URI core = server.corePackageUri();
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<byte[]> got =
        http.send(
            HttpRequest.newBuilder(core).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<Void> head =
        http.send(
            HttpRequest.newBuilder(core)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    HttpResponse<Void> cached =
        http.send(
            HttpRequest.newBuilder(core)
                .header("If-None-Match", got.headers().firstValue("ETag").orElseThrow())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding());
    HttpResponse<Void> posted =
        http.send(
            HttpRequest.newBuilder(core).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding());

    assertThat(core)
        .isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/packages/heron-core.tar.gz"));
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.headers().firstValue("Content-Type")).contains("application/gzip");
    assertThat(got.headers().firstValue("ETag"))
        .contains("\"" + SimulatedCorePackage.get().sha256() + "\"");
    assertThat(got.body()).isEqualTo(SimulatedCorePackage.get().bytes());
    Map<String, String> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(got.body())))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        entries.put(entry.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(entries)
        .containsOnlyKeys("heron-core/", "heron-core/README", "heron-core/release.yaml");
    assertThat(entries.get("heron-core/release.yaml")).contains("heron.build.version : simulated");
    assertThat(entries.get("heron-core/README")).contains("core-package-uri");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length"))
        .contains(Integer.toString(got.body().length));
    assertThat(cached.statusCode()).isEqualTo(304);
    assertThat(posted.statusCode()).isEqualTo(405);
    assertThat(posted.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void binaryRequestWithoutAcceptGetsATjsonReply() throws Exception {
    URI api = start(SimulatorFixtures.properties());
    byte[] request =
        encode(
            BINARY,
            client -> {
              client.send_getRoleSummary();
              return null;
            });

    HttpResponse<byte[]> reply =
        post(api, request, "Content-Type", "application/vnd.apache.thrift.binary");

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().allValues("Content-Type"))
        .containsExactly("application/vnd.apache.thrift.json");
    assertThat(new String(reply.body(), StandardCharsets.UTF_8))
        .startsWith("[1,\"getRoleSummary\",2,");
    Response response = decode(JSON, reply.body(), client -> client.recv_getRoleSummary());
    assertThat(response.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(response.getServerInfo().getClusterName()).isEqualTo("test-cluster");
  }

  @Test
  void binaryAcceptSelectsABinaryReply() throws Exception {
    URI api = start(SimulatorFixtures.properties());
    byte[] request =
        encode(
            BINARY,
            client -> {
              client.send_createJob(job(key("hello"), 1));
              return null;
            });

    HttpResponse<byte[]> reply =
        post(
            api,
            request,
            "Content-Type",
            "application/vnd.apache.thrift.binary",
            "Accept",
            "application/vnd.apache.thrift.binary");

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().allValues("Content-Type"))
        .containsExactly("application/vnd.apache.thrift.binary");
    Response response = decode(BINARY, reply.body(), client -> client.recv_createJob());
    assertThat(response.getResponseCode()).isEqualTo(ResponseCode.OK);
  }

  @Test
  void aMultiValuedAcceptFallsBackToTjson() throws Exception {
    URI api = start(SimulatorFixtures.properties());
    byte[] request =
        encode(
            BINARY,
            client -> {
              client.send_getRoleSummary();
              return null;
            });

    HttpResponse<byte[]> reply =
        post(
            api,
            request,
            "Content-Type",
            "application/vnd.apache.thrift.binary",
            "Accept",
            "application/vnd.apache.thrift.binary, application/json");

    assertThat(reply.headers().allValues("Content-Type"))
        .containsExactly("application/vnd.apache.thrift.json");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "application/x-thrift",
        "application/json",
        "application/vnd.apache.thrift.json",
        "application/vnd.apache.thrift.json; charset=utf-8",
        "application/vnd.apache.thrift.json;charset=UTF-8"
      })
  void tjsonContentTypesAreAccepted(String contentType) throws Exception {
    URI api = start(SimulatorFixtures.properties());
    byte[] request =
        encode(
            JSON,
            client -> {
              client.send_getRoleSummary();
              return null;
            });

    HttpResponse<byte[]> reply =
        contentType.isEmpty()
            ? post(api, request)
            : post(api, request, "Content-Type", contentType);

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(decode(JSON, reply.body(), client -> client.recv_getRoleSummary()).getResponseCode())
        .isEqualTo(ResponseCode.OK);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json; charset=UTF-8",
        "application/x-thrift; charset=utf-8",
        "application/vnd.apache.thrift.compact",
        "text/plain",
        "application/vnd.apache.thrift.binary; charset=utf-8"
      })
  void otherContentTypesAre415WithAuroraMessage(String contentType) throws Exception {
    URI api = start(SimulatorFixtures.properties());

    HttpResponse<byte[]> reply =
        post(
            api,
            "[1,\"getRoleSummary\",1,0,{}]".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            contentType);

    assertThat(reply.statusCode()).isEqualTo(415);
    assertThat(new String(reply.body(), StandardCharsets.UTF_8))
        .isEqualTo("Unsupported Content-Type: " + contentType);
  }

  @Test
  void answersTheTjsonEnvelopeFixtureFromAurorasApiIt() throws Exception {
    URI api = start(SimulatorFixtures.properties());

    HttpResponse<byte[]> reply =
        post(
            api,
            "[1,\"getRoleSummary\",1,0,{}]".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/vnd.apache.thrift.json");

    String body = new String(reply.body(), StandardCharsets.UTF_8);
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(body).startsWith("[1,\"getRoleSummary\",2,0,{\"0\":{\"rec\":{\"1\":{\"i32\":1}");
    assertThat(body).contains("{\"str\":\"test-cluster\"}");
  }

  @Test
  void unknownMethodIsATApplicationExceptionWithStatus200() throws Exception {
    URI api = start(SimulatorFixtures.properties());

    HttpResponse<byte[]> reply =
        post(api, "[1,\"setQuota\",1,7,{}]".getBytes(StandardCharsets.UTF_8));

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(new String(reply.body(), StandardCharsets.UTF_8)).startsWith("[1,\"setQuota\",3,7,");
  }

  @Test
  void malformedEnvelopeIs500() throws Exception {
    URI api = start(SimulatorFixtures.properties());

    HttpResponse<byte[]> reply = post(api, "{\"not\":\"thrift\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(reply.statusCode()).isEqualTo(500);
  }

  @Test
  void withCredentialsConfiguredMutatingCallsNeedThemAndReadsDoNot() throws Exception {
    URI api = start(SimulatorFixtures.properties(0, "alice", "secret"));
    byte[] create =
        encode(
            JSON,
            client -> {
              client.send_createJob(job(key("hello"), 1));
              return null;
            });
    byte[] read =
        encode(
            JSON,
            client -> {
              client.send_getRoleSummary();
              return null;
            });

    HttpResponse<byte[]> anonymousCreate = post(api, create);
    HttpResponse<byte[]> anonymousRead = post(api, read);
    HttpResponse<byte[]> badRead = post(api, read, "Authorization", basic("alice", "wrong"));
    HttpResponse<byte[]> goodCreate = post(api, create, "Authorization", basic("alice", "secret"));

    assertThat(anonymousCreate.statusCode()).isEqualTo(401);
    assertThat(anonymousCreate.headers().allValues("WWW-Authenticate"))
        .containsExactly("BASIC realm=\"Apache Aurora Scheduler\"");
    assertThat(anonymousRead.statusCode()).isEqualTo(200);
    assertThat(badRead.statusCode()).isEqualTo(401);
    assertThat(badRead.headers().allValues("WWW-Authenticate"))
        .containsExactly("BASIC realm=\"Apache Aurora Scheduler\"");
    assertThat(goodCreate.statusCode()).isEqualTo(200);
    assertThat(decode(JSON, goodCreate.body(), client -> client.recv_createJob()).getResponseCode())
        .isEqualTo(ResponseCode.OK);
    assertThatThrownBy(() -> SimulatorFixtures.client(api).killTasks(key("hello"), null, null))
        .isInstanceOf(TTransportException.class)
        .hasMessageContaining("401");
  }

  @Test
  void standbyRedirectsToTheLeaderUnlessBypassed() throws Exception {
    // Known up front: standby-port 0 means no standby.
    int standbyPort = freePort();
    URI api = start(SimulatorFixtures.properties(standbyPort, null, null));
    URI standbyApi = server.standbyApiEndpoint();
    byte[] read =
        encode(
            JSON,
            client -> {
              client.send_getRoleSummary();
              return null;
            });

    HttpResponse<byte[]> redirected = post(standbyApi, read);
    HttpResponse<byte[]> bypassed = post(standbyApi, read, "Bypass-Leader-Redirect", "true");

    assertThat(standbyApi).isEqualTo(URI.create("http://127.0.0.1:" + standbyPort + "/api"));
    assertThat(redirected.statusCode()).isEqualTo(307);
    assertThat(redirected.headers().firstValue("Location")).hasValue(api.toString());
    assertThat(bypassed.statusCode()).isEqualTo(200);
    assertThat(
            decode(JSON, bypassed.body(), client -> client.recv_getRoleSummary()).getResponseCode())
        .isEqualTo(ResponseCode.OK);
    assertThat(
            SimulatorFixtures.get(URI.create("http://127.0.0.1:" + standbyPort + "/leaderhealth"))
                .statusCode())
        .isEqualTo(503);
    assertThat(SimulatorFixtures.get(api.resolve("/leaderhealth")).statusCode()).isEqualTo(200);
    HttpResponse<String> health = SimulatorFixtures.get(api.resolve("/health"));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("OK");
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
