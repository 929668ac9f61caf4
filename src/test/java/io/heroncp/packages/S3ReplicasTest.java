package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.FreePorts;
import io.heroncp.support.Multipart;
import io.heroncp.support.S3TestServer;
import io.heroncp.support.ServiceInstance;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import tools.jackson.databind.JsonNode;

/**
 * Two service instances (two contexts) with separate, empty local directories and one bucket of a
 * real S3 protocol server: what one stores the other serves; a kill on one removes the package; the
 * leader sweeps an orphan package (a crash between storing a package and writing its record).
 */
class S3ReplicasTest {

  private static final String BUCKET = "heroncp-replicas";
  private static final String PATH = "/api/v1/topologies/local/shared/devel/Shared";

  @TempDir Path temp;
  private TestingServer zooKeeper;
  private S3TestServer s3;
  private S3Client raw;
  private ServiceInstance first;
  private ServiceInstance second;

  @BeforeEach
  void start() throws Exception {
    zooKeeper = new TestingServer(FreePorts.freePort(), temp.resolve("zookeeper").toFile(), true);
    s3 = new S3TestServer(Files.createDirectory(temp.resolve("blobs")));
    s3.createBucket(BUCKET);
    raw = s3.client();
    // The AWS SDK's default chain reads these system properties first (as it would read
    // AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment).
    System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
    int simulatorPort = FreePorts.freePort();
    String[] bucket = {
      "--heroncp.packages.store=s3",
      "--heroncp.packages.s3.bucket=" + BUCKET,
      "--heroncp.packages.s3.prefix=packages/",
      "--heroncp.packages.s3.endpoint=" + s3.endpoint(),
      "--heroncp.packages.s3.path-style-access=true",
      "--heroncp.packages.orphan-grace-period=1s",
      "--heroncp.packages.sweep-interval=300ms",
      // The local cluster's core package is served by the first instance's simulator.
      "--heroncp.simulator.port=" + simulatorPort
    };
    first =
        ServiceInstance.start(
            zooKeeper.getConnectString(), simulatorPort, temp.resolve("first"), bucket);
    second = ServiceInstance.start(zooKeeper.getConnectString(), 0, temp.resolve("second"), bucket);
  }

  @AfterEach
  void stop() throws Exception {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    raw.close();
    s3.close();
    zooKeeper.close();
  }

  @Test
  void packageStoredThroughOneReplicaIsServedByTheOtherAndKillOnEitherRemovesIt() throws Exception {
    Multipart form =
        Multipart.submit("local", "shared", null, "Shared", HeronDefinitions.SINGLE_SPOUT);
    HttpResponse<String> submitted = first.post("/api/v1/topologies", form);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    // The simulated agent fetched the package (through the first replica) and the job runs.
    await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(first.state(PATH)));

    JsonNode described = ServiceInstance.json(first.get(PATH)).get("package");
    String sha256 = described.get("sha256").asString();
    String path = URI.create(described.get("uri").asString()).getRawPath();
    assertThat(path).isEqualTo("/api/v1/packages/" + sha256 + "/topology.tar.gz");
    String key = "packages/" + sha256 + "/topology.tar.gz";
    assertThat(raw.headObject(b -> b.bucket(BUCKET).key(key)).contentLength())
        .isEqualTo(described.get("size").asLong());
    // Neither replica keeps packages on its own disk.
    assertThat(temp.resolve("first").resolve(sha256)).doesNotExist();
    assertThat(temp.resolve("second").resolve(sha256)).doesNotExist();

    HttpClient http = HttpClient.newHttpClient();
    for (ServiceInstance replica : new ServiceInstance[] {first, second}) {
      HttpResponse<byte[]> get =
          http.send(
              HttpRequest.newBuilder(replica.uri(path)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(FileSystemPackageStoreTest.sha256(get.body())).isEqualTo(sha256);
      HttpResponse<Void> head =
          http.send(
              HttpRequest.newBuilder(replica.uri(path))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValueAsLong("Content-Length"))
          .hasValue(described.get("size").asLong());
      HttpResponse<byte[]> range =
          http.send(
              HttpRequest.newBuilder(replica.uri(path)).header("Range", "bytes=0-9").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).hasSize(10);
    }

    // Kill through the other replica: the topology and its package are gone from the bucket.
    await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(second.state(PATH)));
    assertThat(second.delete(PATH).statusCode()).isEqualTo(200);
    assertThat(first.get(PATH).statusCode()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(10)).until(() -> !exists(key));
    assertThat(
            http.send(
                    HttpRequest.newBuilder(first.uri(path)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void leaderSweepsAnOrphanPackageButKeepsReferencedOnes() throws Exception {
    // What a crash between storing a package and writing its record leaves: a package no record
    // references. Stored through the store itself, as a submit stores it.
    S3PackageStore store =
        new S3PackageStore(
            s3.client(), null, null, BUCKET, "packages/", temp.resolve("spool"), 5L << 20);
    StoredPackage orphan =
        store.store(new ByteArrayInputStream(new byte[] {4, 2}), "topology.tar.gz", 10);
    String orphanKey = "packages/" + orphan.sha256() + "/topology.tar.gz";
    // An object outside the store's layout is never touched.
    raw.putObject(b -> b.bucket(BUCKET).key("packages/README"), RequestBody.fromString("keep"));

    await().atMost(Duration.ofSeconds(20)).until(() -> !exists(orphanKey));

    assertThat(exists("packages/README")).isTrue();
    double swept = 0;
    for (ServiceInstance replica : new ServiceInstance[] {first, second}) {
      swept +=
          replica
              .context()
              .getBean(MeterRegistry.class)
              .counter(PackageSweeper.SWEPT, "kind", "package")
              .count();
    }
    assertThat(swept).as("swept by the leader, counted in its metric").isEqualTo(1);
    store.close();
  }

  private boolean exists(String key) {
    try {
      raw.headObject(b -> b.bucket(BUCKET).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
