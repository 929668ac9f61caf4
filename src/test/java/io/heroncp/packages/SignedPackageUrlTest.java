package io.heroncp.packages;

import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.heron.HeronDefinitions;
import io.heroncp.simulator.AuroraSimulator;
import io.heroncp.support.Multipart;
import io.heroncp.support.SecuredServiceTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code heroncp.security.enabled=true} the package URI handed to Aurora is a signed
 * capability: the record, the dry run and the job the simulator runs carry it, the simulated agent
 * fetches with it, and the same path without or with a forged {@code sig} answers 403. The service
 * has a ZooKeeper and a simulator of its own here (the shared test context runs with security off).
 */
class SignedPackageUrlTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String OLD_SECRET = "previous-secret-0123456789abcdef0123456789";
  private static final String SECRET = "current-secret-0123456789abcdef0123456789";

  /**
   * An admin API token for the API calls; the package fetches carry none, as Aurora's agents do.
   */
  private static final String ADMIN = "signed-test-admin-token-0123456789abcdef";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private TestingServer zooKeeper;
  private ConfigurableApplicationContext service;
  private String base;

  @BeforeEach
  void start() throws Exception {
    Path data = Files.createTempDirectory("heroncp-signed");
    zooKeeper = new TestingServer(true);
    // Known up front: the local cluster's core-package-uri names it, and the topology's tasks fetch
    // it.
    int simulatorPort = freePort();
    service =
        SpringApplication.run(
            HeronControlPlaneApplication.class,
            "--server.port=0",
            "--heroncp.security.enabled=true",
            "--heroncp.security.package-url-secret=" + SECRET,
            "--heroncp.security.package-url-previous-secrets[0]=" + OLD_SECRET,
            "--heroncp.security.tokens.ops.sha256=" + SecuredServiceTest.sha256(ADMIN),
            "--heroncp.security.tokens.ops.principal=ops",
            "--heroncp.security.tokens.ops.roles[0]=*",
            "--heroncp.zookeeper.embedded.enabled=false",
            "--heroncp.zookeeper.connect-string=" + zooKeeper.getConnectString(),
            "--heroncp.clusters.local.scheduler.zookeeper=" + zooKeeper.getConnectString(),
            "--heroncp.simulator.port=" + simulatorPort,
            "--heroncp.simulator.pending-delay=50ms",
            "--heroncp.simulator.assigned-delay=50ms",
            "--heroncp.simulator.starting-delay=50ms",
            "--heroncp.simulator.killing-delay=50ms",
            "--heroncp.packages.directory=" + data.resolve("packages"));
    base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
  }

  @AfterEach
  void stop() throws IOException {
    if (service != null) {
      service.close();
    }
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)));
  }

  private HttpResponse<String> api(String path) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + ADMIN));
  }

  private HttpResponse<String> head(String pathAndQuery) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> submit(Multipart form) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/topologies"))
            .header("Authorization", "Bearer " + ADMIN)
            .header("Content-Type", form.contentType())
            .POST(form.publisher()));
  }

  private static Multipart form(String name) {
    return Multipart.submit("local", "alice", null, name, HeronDefinitions.SINGLE_SPOUT);
  }

  private static void assertForbidden(HttpResponse<String> response, String detail)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    if (response.request().method().equals("HEAD")) {
      assertThat(response.body())
          .isEmpty(); // a HEAD answer has the problem's headers, never its body
      return;
    }
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("type").asString())
        .isEqualTo("urn:heron-controlplane:problem:forbidden");
    assertThat(problem.get("detail").asString())
        .contains("signed capability", detail)
        .doesNotContain(SECRET)
        .doesNotContain(OLD_SECRET);
  }

  @Test
  void theRecordsSignedPackageUriFetchesAndTheSamePathWithoutOrWithAForgedSigIsRefused()
      throws Exception {
    HttpResponse<String> submitted = submit(form("Signed"));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);

    URI packageUri = URI.create(JSON.readTree(submitted.body()).at("/package/uri").asString());
    String sha = JSON.readTree(submitted.body()).at("/package/sha256").asString();
    PackageUrlSigner expected = new PackageUrlSigner(SECRET, java.util.List.of(), true);
    assertThat(packageUri.getQuery()).isEqualTo("sig=" + expected.sign(sha, "topology.tar.gz"));
    String path = packageUri.getRawPath();

    // The job the simulator runs carries the signed URI, and its agent's fetch of it succeeds.
    Set<JobConfiguration> jobs =
        service
            .getBean(AuroraSimulator.class)
            .getJobs("alice")
            .getResult()
            .getGetJobsResult()
            .getConfigs();
    assertThat(jobs)
        .singleElement()
        .satisfies(
            job ->
                assertThat(job.getTaskConfig().getExecutorConfig().getData())
                    .contains("curl " + packageUri + " -o "));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        JSON.readTree(api("/api/v1/topologies/local/alice/devel/Signed").body())
                            .at("/aurora/tasks/RUNNING")
                            .asInt())
                    .isEqualTo(2));

    HttpResponse<String> fetched = get(path + "?" + packageUri.getRawQuery());
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
    assertThat(head(path + "?" + packageUri.getRawQuery()).statusCode()).isEqualTo(200);

    assertForbidden(get(path), "no sig");
    assertForbidden(head(path), "no sig");
    assertForbidden(get(path + "?sig="), "no sig");
    String forged = "0".repeat(64);
    assertForbidden(get(path + "?sig=" + forged), "sig is invalid");
    assertForbidden(head(path + "?sig=" + forged), "sig is invalid");
    // A valid signature of another file of the same digest does not open this one.
    assertForbidden(get(path + "?sig=" + expected.sign(sha, "other.tar.gz")), "sig is invalid");
    // Signed with the previous secret (a record from before a rotation): still served.
    String oldSig =
        new PackageUrlSigner(OLD_SECRET, java.util.List.of(), true).sign(sha, "topology.tar.gz");
    assertThat(get(path + "?sig=" + oldSig).statusCode()).isEqualTo(200);
  }

  @Test
  void theDryRunRendersTheSignedPlaceholderAndThePreflightReachesTheServiceWithIt()
      throws Exception {
    HttpResponse<String> dryRun =
        submit(form("SignedDryRun").field("dry_run", "True").field("dry_run_format", "json"));
    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
    String sig =
        new PackageUrlSigner(SECRET, java.util.List.of(), true)
            .sign("0".repeat(64), "topology.tar.gz");
    assertThat(dryRun.body())
        .contains("/api/v1/packages/" + "0".repeat(64) + "/topology.tar.gz?sig=" + sig);

    HttpResponse<String> preflight =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/clusters/local/preflight"))
                .header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(200);
    JsonNode endpoint = null;
    for (JsonNode check : JSON.readTree(preflight.body()).get("checks")) {
      if (check.get("name").asString().equals("package-endpoint")) {
        endpoint = check;
      }
    }
    assertThat(endpoint.get("ok").asBoolean()).as(endpoint.toString()).isTrue();
    assertThat(endpoint.get("detail").asString())
        .contains("(signed) reached the service")
        .doesNotContain(sig);
  }
}
