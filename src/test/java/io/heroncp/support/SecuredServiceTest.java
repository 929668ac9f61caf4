package io.heroncp.support;

import io.heroncp.simulator.AuroraSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the tests of the secured service ({@code heroncp.security.enabled=true}): the whole
 * service on a random port with a ZooKeeper, a simulator port and a package directory of its own,
 * so it never competes with the shared {@link ServiceTest} context. Every subclass shares this one
 * context; subclasses must not change it.
 *
 * <p>API tokens: {@link #ALICE} (role alice), {@link #BOB} (role bob), {@link #ADMIN} (role *),
 * {@link #CAROL} (role alice in cluster {@code nocore} only). JWTs: {@link TestJwks}, audience
 * {@link TestJwks#AUDIENCE}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class SecuredServiceTest {

  protected static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static final String ALICE = "alice-token-3f0c8e51b7d24a96a1e0c5d7b8f91234";
  public static final String BOB = "bob-token-9a7e1c0d4b2f48e6a3c5d7e9f0b1a2c3";
  public static final String ADMIN = "admin-token-5c2d8f1e7a9b4c3d6e0f1a2b3c4d5e6f";
  public static final String CAROL = "carol-token-1b2c3d4e5f60718293a4b5c6d7e8f901";
  public static final String PACKAGE_SECRET = "test-package-url-secret-0123456789abcdef";
  public static final String ALLOWED_ORIGIN = "https://console.example.com";

  private static final TestingServer ZOOKEEPER;
  private static final Path PACKAGES;

  /** Known up front: the clusters' core-package-uris name it. */
  private static final int SIMULATOR_PORT = FreePorts.freePort();

  private static CuratorFramework client;

  static {
    try {
      ZOOKEEPER = new TestingServer(true);
      PACKAGES = Files.createTempDirectory("heroncp-secured-packages");
    } catch (Exception e) {
      throw new IllegalStateException("could not start the secured service's ZooKeeper", e);
    }
  }

  @LocalServerPort protected int port;

  @Autowired protected AuroraSimulator simulator;

  @DynamicPropertySource
  static void securedProperties(DynamicPropertyRegistry registry) {
    registry.add("heroncp.security.enabled", () -> "true");
    registry.add("heroncp.security.package-url-secret", () -> PACKAGE_SECRET);
    registry.add("heroncp.security.allowed-origins[0]", () -> ALLOWED_ORIGIN);
    token(registry, "alice", ALICE, "alice", "alice", null);
    token(registry, "bob", BOB, "bob", "bob", null);
    token(registry, "admin", ADMIN, "ops", "*", null);
    token(registry, "carol", CAROL, "carol", "alice", "nocore");
    registry.add(
        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> TestJwks.get().jwkSetUri());
    registry.add("spring.security.oauth2.resourceserver.jwt.audiences[0]", () -> TestJwks.AUDIENCE);
    registry.add("heroncp.zookeeper.connect-string", ZOOKEEPER::getConnectString);
    registry.add("heroncp.zookeeper.embedded.enabled", () -> "false");
    registry.add("heroncp.simulator.port", () -> Integer.toString(SIMULATOR_PORT));
    registry.add("heroncp.simulator.pending-delay", () -> "100ms");
    registry.add("heroncp.simulator.assigned-delay", () -> "100ms");
    registry.add("heroncp.simulator.starting-delay", () -> "100ms");
    registry.add("heroncp.simulator.killing-delay", () -> "100ms");
    registry.add("heroncp.clusters.local.scheduler.zookeeper", ZOOKEEPER::getConnectString);
    registry.add(
        "heroncp.clusters.nocore.core-package-uri",
        () -> "http://127.0.0.1:" + SIMULATOR_PORT + "/packages/no-such-core.tar.gz");
    registry.add("heroncp.clusters.nocore.heron-root", () -> "/heron-nocore");
    registry.add("heroncp.clusters.nocore.scheduler.zookeeper", ZOOKEEPER::getConnectString);
    registry.add("heroncp.clusters.nocore.scheduler.zookeeper-path", () -> "/aurora/scheduler");
    registry.add("heroncp.packages.directory", PACKAGES::toString);
    registry.add("heroncp.packages.max-upload-size", () -> "4MB");
    registry.add("heroncp.operations.lock-wait", () -> "2s");
    registry.add("heroncp.events.heartbeat-interval", () -> "500ms");
  }

  private static void token(
      DynamicPropertyRegistry registry,
      String id,
      String token,
      String principal,
      String role,
      String cluster) {
    String prefix = "heroncp.security.tokens." + id + ".";
    registry.add(prefix + "sha256", () -> sha256(token));
    registry.add(prefix + "principal", () -> principal);
    registry.add(prefix + "roles[0]", () -> role);
    if (cluster != null) {
      registry.add(prefix + "clusters[0]", () -> cluster);
    }
  }

  public static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client of the tests' own on the secured service's ZooKeeper. */
  protected static synchronized CuratorFramework zooKeeper() {
    if (client == null) {
      client =
          CuratorFrameworkFactory.newClient(ZOOKEEPER.getConnectString(), new RetryOneTime(100));
      client.start();
    }
    return client;
  }

  protected String base() {
    return "http://127.0.0.1:" + port;
  }

  protected HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  protected HttpResponse<String> get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  protected HttpResponse<String> delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  protected HttpResponse<String> post(String path, String token) {
    return send(request(path, token).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  protected HttpResponse<String> post(String path, String token, Multipart form) {
    return send(
        request(path, token)
            .header("Content-Type", form.contentType())
            .POST(form.publisher())
            .build());
  }

  protected static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  protected static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }
}
