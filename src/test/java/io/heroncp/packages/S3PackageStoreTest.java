package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.head;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.PayloadTooLargeException;
import io.heroncp.support.S3TestServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The S3 package store against a real S3 protocol server (s3proxy) in the JVM. */
class S3PackageStoreTest {

  private static final String BUCKET = "heroncp-packages";
  private static final long FIVE_MB = 5L * 1024 * 1024;

  @TempDir Path temp;
  private S3TestServer server;
  private S3Client raw;
  private S3PackageStore store;
  private final byte[] content = FileSystemPackageStoreTest.randomBytes(70_000, 7);

  @BeforeEach
  void startServer() throws Exception {
    server = new S3TestServer(Files.createDirectory(temp.resolve("blobs")));
    server.createBucket(BUCKET);
    raw = server.client();
    store = store(server.client(), BUCKET);
  }

  private S3PackageStore store(S3Client client, String bucket) {
    return new S3PackageStore(
        client, null, null, bucket, "packages/", temp.resolve("spool"), FIVE_MB);
  }

  @AfterEach
  void stopServer() throws Exception {
    store.close();
    raw.close();
    server.close();
  }

  @Test
  void storedPackageIsAnObjectUnderItsDigestAndReadsBackTheSameBytes() throws Exception {
    StoredPackage stored = store.store(new ByteArrayInputStream(content), "t.jar", 1_000_000);

    assertThat(stored.sha256()).isEqualTo(FileSystemPackageStoreTest.sha256(content));
    assertThat(stored.size()).isEqualTo(content.length);
    byte[] object =
        raw.getObjectAsBytes(b -> b.bucket(BUCKET).key("packages/" + stored.sha256() + "/t.jar"))
            .asByteArray();
    assertThat(object).isEqualTo(content);
    assertThat(store.find(stored.sha256(), "t.jar"))
        .get()
        .extracting(StoredPackage::size)
        .isEqualTo((long) content.length);
    try (InputStream in = store.content(stored).getInputStream()) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(store.list()).extracting(StoredPackage::sha256).containsExactly(stored.sha256());
    assertThat(spoolFiles()).isEmpty();
  }

  @Test
  void storingTheSameContentAgainReusesTheObject() {
    StoredPackage first = store.store(new ByteArrayInputStream(content), "t.jar", 1_000_000);
    Instant before =
        raw.headObject(b -> b.bucket(BUCKET).key("packages/" + first.sha256() + "/t.jar"))
            .lastModified();

    StoredPackage second = store.store(new ByteArrayInputStream(content), "t.jar", 1_000_000);

    assertThat(second.sha256()).isEqualTo(first.sha256());
    assertThat(
            raw.headObject(b -> b.bucket(BUCKET).key("packages/" + first.sha256() + "/t.jar"))
                .lastModified())
        .isEqualTo(before);
  }

  @Test
  void fileLargerThanThePartSizeIsSentAsAMultipartUpload() throws Exception {
    byte[] large = FileSystemPackageStoreTest.randomBytes((int) (2 * FIVE_MB + 12345), 3);

    StoredPackage stored = store.store(new ByteArrayInputStream(large), "big.tar", 100_000_000);

    String eTag =
        raw.headObject(b -> b.bucket(BUCKET).key("packages/" + stored.sha256() + "/big.tar"))
            .eTag();
    assertThat(eTag).as("a multipart ETag names its part count").endsWith("-3\"");
    try (InputStream in = store.content(stored).getInputStream()) {
      assertThat(FileSystemPackageStoreTest.sha256(in.readAllBytes())).isEqualTo(stored.sha256());
    }
  }

  @Test
  void uploadOverTheLimitIsRefusedAndLeavesNothing() throws Exception {
    assertThatThrownBy(() -> store.store(new ByteArrayInputStream(content), "t.jar", 1000))
        .isInstanceOf(PayloadTooLargeException.class);

    assertThat(store.list()).isEmpty();
    assertThat(spoolFiles()).isEmpty();
  }

  @Test
  void controllerServesGetHeadAndRangeFromTheBucket() throws Exception {
    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "topology.tar.gz", 1_000_000);
    MockMvc mvc =
        MockMvcBuilders.standaloneSetup(new PackageController(store, PackageUrlSigner.unsigned()))
            .setControllerAdvice(new PackageControllerTest.Problems())
            .build();
    String path = "/api/v1/packages/{sha}/{file}";

    mvc.perform(get(path, stored.sha256(), "topology.tar.gz"))
        .andExpect(status().isOk())
        .andExpect(header().string("Content-Type", "application/gzip"))
        .andExpect(header().longValue("Content-Length", content.length))
        .andExpect(header().string("ETag", "\"" + stored.sha256() + "\""))
        .andExpect(content().bytes(content));
    mvc.perform(head(path, stored.sha256(), "topology.tar.gz"))
        .andExpect(status().isOk())
        .andExpect(header().longValue("Content-Length", content.length))
        .andExpect(content().bytes(new byte[0]));
    byte[] part = java.util.Arrays.copyOfRange(content, 60_000, 60_100);
    mvc.perform(get(path, stored.sha256(), "topology.tar.gz").header("Range", "bytes=60000-60099"))
        .andExpect(status().isPartialContent())
        .andExpect(header().string("Content-Range", "bytes 60000-60099/" + content.length))
        .andExpect(content().bytes(part));
    mvc.perform(get(path, "f".repeat(64), "topology.tar.gz")).andExpect(status().isNotFound());
  }

  @Test
  void objectChangedOutsideTheServiceIsRefusedWithADigestMismatch() throws Exception {
    StoredPackage stored = store.store(new ByteArrayInputStream(content), "t.jar", 1_000_000);
    String key = "packages/" + stored.sha256() + "/t.jar";
    raw.putObject(
        b -> b.bucket(BUCKET).key(key).metadata(Map.of("sha256", "0".repeat(64))),
        RequestBody.fromString("other bytes"));

    assertThatThrownBy(() -> store.find(stored.sha256(), "t.jar"))
        .isInstanceOf(DependencyFailedException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("changed outside this service");
    MockMvc mvc =
        MockMvcBuilders.standaloneSetup(new PackageController(store, PackageUrlSigner.unsigned()))
            .setControllerAdvice(new PackageControllerTest.Problems())
            .build();
    mvc.perform(get("/api/v1/packages/{sha}/{file}", stored.sha256(), "t.jar"))
        .andExpect(status().isBadGateway());

    // Storing the real content again repairs the object.
    store.store(new ByteArrayInputStream(content), "t.jar", 1_000_000);
    assertThat(store.find(stored.sha256(), "t.jar")).isPresent();
  }

  @Test
  void missingBucketIsAClearError() {
    try (S3PackageStore missing = store(server.client(), "no-such-bucket")) {
      assertThatThrownBy(() -> missing.store(new ByteArrayInputStream(content), "t.jar", 1_000_000))
          .isInstanceOf(DependencyFailedException.class)
          .hasMessageContaining("'no-such-bucket' does not exist")
          .hasMessageContaining("heroncp.packages.s3.bucket");
      PackageStore.Probe probe = missing.probe();
      assertThat(probe.ok()).isFalse();
      assertThat(probe.detail()).contains("does not exist");
    }
  }

  @Test
  void wrongCredentialsAreAClearErrorWithoutTheSecret() {
    try (S3PackageStore refused =
        store(server.client(S3TestServer.ACCESS_KEY, "wrong-secret-value-123"), BUCKET)) {
      assertThatThrownBy(() -> refused.store(new ByteArrayInputStream(content), "t.jar", 1_000_000))
          .isInstanceOf(DependencyFailedException.class)
          .hasMessageContaining("refused this service's credentials")
          .hasMessageContaining("AWS_ACCESS_KEY_ID")
          .hasMessageNotContaining("wrong-secret-value-123");
      assertThat(refused.probe().ok()).isFalse();
    }
    assertThat(store.probe().ok()).isTrue();
  }

  @Test
  void deleteRemovesTheDigestsObjectsOnly() {
    StoredPackage kept = store.store(new ByteArrayInputStream(new byte[] {1}), "keep.jar", 10);
    StoredPackage gone = store.store(new ByteArrayInputStream(new byte[] {2}), "t.jar", 10);

    assertThat(store.delete(gone.sha256())).isTrue();
    assertThat(store.delete(gone.sha256())).isFalse();

    assertThat(store.list()).extracting(StoredPackage::sha256).containsExactly(kept.sha256());
  }

  @Test
  void staleUploadTempFilesAreSweptAndRecentOnesKept() throws Exception {
    Path spool = Files.createDirectories(temp.resolve("spool"));
    Path stale = Files.write(spool.resolve(".incoming-1.tmp"), new byte[10]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(7))));
    Path recent = Files.write(spool.resolve(".incoming-2.tmp"), new byte[10]);

    assertThat(store.removeStaleTempFiles(Duration.ofHours(6))).isEqualTo(1);

    assertThat(stale).doesNotExist();
    assertThat(recent).exists();
  }

  @Test
  void presignedUriFetchesTheObjectWithoutTheService() throws Exception {
    S3Presigner presigner =
        S3Presigner.builder()
            .endpointOverride(server.endpoint())
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .serviceConfiguration(
                software.amazon.awssdk.services.s3.S3Configuration.builder()
                    .pathStyleAccessEnabled(true)
                    .build())
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))
            .build();
    try (S3PackageStore presigning =
        new S3PackageStore(
            server.client(),
            presigner,
            Duration.ofHours(1),
            BUCKET,
            "packages/",
            temp.resolve("spool"),
            FIVE_MB)) {
      StoredPackage stored =
          presigning.store(new ByteArrayInputStream(content), "t.jar", 1_000_000);
      URI uri = presigning.directUri(stored).orElseThrow();

      assertThat(uri.getRawQuery()).contains("X-Amz-Expires=3600");
      HttpResponse<byte[]> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uri).GET().build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(content);
    }
    assertThat(store.directUri(new StoredPackage("a".repeat(64), "t.jar", 1, null))).isEmpty();
  }

  /**
   * 200 MB through the store in a JVM with a 64 MB heap: a store that held the file (or a part list
   * of buffers) in memory would fail with OutOfMemoryError.
   */
  @Test
  void twoHundredMegabyteUploadNeedsOnlyABoundedHeap() throws Exception {
    long bytes = 200L * 1024 * 1024;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = temp.resolve("probe.log");
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                S3UploadProbe.class.getName(),
                server.endpoint().toString(),
                BUCKET,
                temp.resolve("probe-spool").toString(),
                Long.toString(bytes),
                Long.toString(16L * 1024 * 1024))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).doesNotContain("OutOfMemoryError");

    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new FileSystemPackageStoreTest.PatternStream(bytes)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) != -1) {
        digest.update(buffer, 0, n);
      }
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    assertThat(output).contains("STORED " + sha256 + " " + bytes);
    assertThat(raw.headObject(b -> b.bucket(BUCKET).key(sha256 + "/big.tar")).contentLength())
        .isEqualTo(bytes);
    long maxHeap =
        Long.parseLong(
            output
                .lines()
                .filter(l -> l.startsWith("MAX_HEAP "))
                .findFirst()
                .orElseThrow()
                .substring("MAX_HEAP ".length()));
    assertThat(maxHeap).isLessThan(bytes / 3);
  }

  private List<Path> spoolFiles() throws Exception {
    Path spool = temp.resolve("spool");
    if (!Files.isDirectory(spool)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(spool)) {
      return new ArrayList<>(files.toList());
    }
  }
}
