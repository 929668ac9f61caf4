package io.heroncp.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.packages.FileSystemPackageStore;
import io.heroncp.packages.S3PackageStore;
import io.heroncp.support.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

class PackageStoreHealthIndicatorTest {

  @TempDir Path directory;

  @Test
  void upWhenWritableWithRoomForOneMaximumUpload() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    Health health = new PackageStoreHealthIndicator(store, DataSize.ofMegabytes(1)).health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("directory", store.directory().toString())
        .containsEntry("writable", true)
        .containsEntry("required_free_bytes", 1024L * 1024);
    // Other processes write to the same disk meanwhile: the reading is close to, not equal to, a
    // second one.
    assertThat((Long) health.getDetails().get("free_bytes"))
        .isPositive()
        .isCloseTo(
            store.freeBytes(),
            org.assertj.core.data.Offset.offset(DataSize.ofMegabytes(256).toBytes()));
  }

  @Test
  void downWhenLessFreeSpaceThanOneMaximumUpload() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    long tooMuch = store.freeBytes() + DataSize.ofGigabytes(1).toBytes();

    Health health = new PackageStoreHealthIndicator(store, DataSize.ofBytes(tooMuch)).health();

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat((String) health.getDetails().get("reason"))
        .contains("heroncp.packages.max-upload-size");
  }

  @Test
  void downWhenTheDirectoryIsGone() throws Exception {
    Path store = directory.resolve("store");
    FileSystemPackageStore packageStore = new FileSystemPackageStore(store);
    Files.delete(store);

    Health health = new PackageStoreHealthIndicator(packageStore, DataSize.ofBytes(1)).health();

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("writable", false);
    assertThat((String) health.getDetails().get("reason")).contains("heroncp.packages.directory");
  }

  @Test
  void bucketStoreIsUpWhenAProbeObjectCanBeWrittenAndDownNamingAMissingBucket() throws Exception {
    try (S3TestServer server =
        new S3TestServer(Files.createDirectory(directory.resolve("blobs")))) {
      server.createBucket("health-bucket");
      try (S3PackageStore bucket =
              new S3PackageStore(
                  server.client(),
                  null,
                  null,
                  "health-bucket",
                  null,
                  directory.resolve("spool"),
                  5L << 20);
          S3PackageStore missing =
              new S3PackageStore(
                  server.client(),
                  null,
                  null,
                  "no-such-bucket",
                  null,
                  directory.resolve("spool"),
                  5L << 20)) {
        MutableClock clock = new MutableClock();
        PackageStoreHealthIndicator up =
            new PackageStoreHealthIndicator(bucket, DataSize.ofMegabytes(1), clock);
        Health health = up.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
            .containsEntry("location", "s3://health-bucket/")
            .containsKey("probed_at");
        assertThat(health.getDetails().get("detail").toString())
            .contains("wrote, read and deleted");

        // One probe serves checks for a while; then it is taken again.
        String probedAt = health.getDetails().get("probed_at").toString();
        clock.advance(java.time.Duration.ofSeconds(10));
        assertThat(up.health().getDetails().get("probed_at")).isEqualTo(probedAt);
        clock.advance(java.time.Duration.ofSeconds(30));
        assertThat(up.health().getDetails().get("probed_at")).isNotEqualTo(probedAt);

        Health down = new PackageStoreHealthIndicator(missing, DataSize.ofMegabytes(1)).health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails().get("detail").toString())
            .contains("'no-such-bucket' does not exist");
      }
    }
  }

  /** A clock the test moves. */
  private static final class MutableClock extends java.time.Clock {
    private java.time.Instant now = java.time.Instant.parse("2026-12-01T00:00:00Z");

    void advance(java.time.Duration by) {
      now = now.plus(by);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }
}
