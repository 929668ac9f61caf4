package io.heroncp.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.packages.FileSystemPackageStore;
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
}
