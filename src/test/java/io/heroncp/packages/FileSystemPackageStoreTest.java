package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.PayloadTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSystemPackageStoreTest {

  @TempDir Path directory;

  @Test
  void storeStreamsContentUnderItsSha256() throws Exception {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    byte[] content = randomBytes(300_000, 1);

    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "word-count.jar", 1_000_000);

    assertThat(stored.sha256()).isEqualTo(sha256(content));
    assertThat(stored.fileName()).isEqualTo("word-count.jar");
    assertThat(stored.size()).isEqualTo(content.length);
    assertThat(stored.path())
        .isEqualTo(directory.toAbsolutePath().resolve(stored.sha256()).resolve("word-count.jar"));
    assertThat(Files.readAllBytes(stored.path())).isEqualTo(content);
    assertThat(store.find(stored.sha256(), "word-count.jar")).contains(stored);
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void storeHashesAStreamLargerThanAnyBufferWithoutNeedingItsLength() throws Exception {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    // 20 MB produced on the fly: the store sees only a stream, never an array or a length.
    long length = 20L * 1024 * 1024;
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    try (InputStream generated = new PatternStream(length)) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = generated.read(buffer)) != -1) {
        expected.update(buffer, 0, n);
      }
    }

    StoredPackage stored = store.store(new PatternStream(length), "big.tar", length);

    assertThat(stored.sha256()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
    assertThat(stored.size()).isEqualTo(length);
    assertThat(Files.size(stored.path())).isEqualTo(length);
  }

  @Test
  void storeAcceptsExactlyMaxBytes() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);

    StoredPackage stored = store.store(new ByteArrayInputStream(new byte[1000]), "t.jar", 1000);

    assertThat(stored.size()).isEqualTo(1000);
  }

  @Test
  void storeRejectsUploadOverTheLimitWith413AndLeavesNoFile() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);

    assertThatThrownBy(() -> store.store(new ByteArrayInputStream(new byte[1001]), "t.jar", 1000))
        .isInstanceOfSatisfying(
            PayloadTooLargeException.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.field()).isEqualTo("topology");
              assertThat(e.getMessage())
                  .contains("1000 bytes")
                  .contains("heroncp.packages.max-upload-size");
            });
    assertThat(store.count()).isZero();
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void storeStopsReadingAnEndlessUploadSoonAfterTheLimit() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    PatternStream endless = new PatternStream(Long.MAX_VALUE);

    assertThatThrownBy(() -> store.store(endless, "t.jar", 5L * 1024 * 1024))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("5 MB");
    assertThat(endless.position).isLessThanOrEqualTo(5L * 1024 * 1024 + 64 * 1024);
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void storeOfSameContentAndNameIsIdempotent() throws Exception {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    byte[] content = randomBytes(10_000, 2);

    StoredPackage first = store.store(new ByteArrayInputStream(content), "t.jar", 1_000_000);
    FileTime firstWritten = Files.getLastModifiedTime(first.path());
    StoredPackage second = store.store(new ByteArrayInputStream(content), "t.jar", 1_000_000);

    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(second.path()))
        .isEqualTo(firstWritten); // reused, not rewritten
    assertThat(store.count()).isEqualTo(1);
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void sameContentUnderAnotherNameIsASecondFileInTheSameDigestDirectory() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    byte[] content = randomBytes(1000, 3);

    StoredPackage jar = store.store(new ByteArrayInputStream(content), "a.jar", 1_000_000);
    StoredPackage tar = store.store(new ByteArrayInputStream(content), "a.tar", 1_000_000);

    assertThat(tar.sha256()).isEqualTo(jar.sha256());
    assertThat(store.list()).extracting(StoredPackage::fileName).containsExactly("a.jar", "a.tar");
  }

  @Test
  void concurrentStoresOfSameContentBothSucceed() throws Exception {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    byte[] content = randomBytes(200_000, 4);
    // Both uploads pause half way until the other is half way too, so they really overlap.
    CyclicBarrier halfway = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<StoredPackage> first =
          threads.submit(
              () -> store.store(new PausingStream(content, halfway), "t.jar", 1_000_000));
      Future<StoredPackage> second =
          threads.submit(
              () -> store.store(new PausingStream(content, halfway), "t.jar", 1_000_000));

      StoredPackage a = first.get(30, TimeUnit.SECONDS);
      StoredPackage b = second.get(30, TimeUnit.SECONDS);

      assertThat(a).isEqualTo(b);
      assertThat(a.sha256()).isEqualTo(sha256(content));
      assertThat(Files.readAllBytes(a.path())).isEqualTo(content);
      assertThat(store.count()).isEqualTo(1);
      assertThat(temporaryFiles()).isEmpty();
    } finally {
      threads.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..",
        ".",
        "../evil.jar",
        "a/b.jar",
        "a\\b.jar",
        "",
        " ",
        "x y.jar",
        "/etc/passwd",
        "t.jar\n",
        "C:evil"
      })
  void storeRejectsNamesThatAreNotPlainFileNames(String fileName) {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);

    assertThatThrownBy(() -> store.store(new ByteArrayInputStream(new byte[1]), fileName, 10))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("topology"));
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void findAndDeleteNeverLeaveTheDirectory() throws Exception {
    Path store = Files.createDirectory(directory.resolve("store"));
    Path outside = Files.writeString(directory.resolve("secret.txt"), "secret");
    FileSystemPackageStore packages = new FileSystemPackageStore(store);
    String validSha = "a".repeat(64);

    assertThat(packages.find("..", "secret.txt")).isEmpty();
    assertThat(packages.find(validSha, "../../secret.txt")).isEmpty();
    assertThat(packages.find(validSha.toUpperCase(), "x")).isEmpty();
    assertThat(packages.find(validSha, "..")).isEmpty();
    assertThat(packages.find(null, null)).isEmpty();
    assertThat(packages.delete("..")).isFalse();
    assertThat(packages.delete("../store")).isFalse();
    assertThat(Files.readString(outside)).isEqualTo("secret");
    assertThat(Files.isDirectory(store)).isTrue();
  }

  @Test
  void deleteRemovesEveryFileOfTheDigestAndIsIdempotent() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    StoredPackage kept = store.store(new ByteArrayInputStream(new byte[] {1}), "keep.jar", 10);
    StoredPackage jar = store.store(new ByteArrayInputStream(new byte[] {2}), "t.jar", 10);
    store.store(new ByteArrayInputStream(new byte[] {2}), "t.tar", 10);

    assertThat(store.delete(jar.sha256())).isTrue();

    assertThat(store.find(jar.sha256(), "t.jar")).isEmpty();
    assertThat(store.find(jar.sha256(), "t.tar")).isEmpty();
    assertThat(Files.exists(directory.resolve(jar.sha256()))).isFalse();
    assertThat(store.find(kept.sha256(), "keep.jar")).isPresent();
    assertThat(store.delete(jar.sha256())).isFalse();
  }

  @Test
  void usageCountsStoredFilesAndBytesAndIgnoresTempFiles() throws Exception {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);
    store.store(new ByteArrayInputStream(new byte[100]), "a.jar", 1000);
    store.store(new ByteArrayInputStream(new byte[250]), "b.jar", 1000);
    Files.write(directory.resolve(".incoming-123.tmp"), new byte[999]);

    assertThat(store.count()).isEqualTo(2);
    assertThat(store.totalBytes()).isEqualTo(350);
    assertThat(store.writable()).isTrue();
    assertThat(store.freeBytes()).isPositive();
  }

  @Test
  void sweepingTempFilesRemovesThoseLeftByACrashButNotRecentOnes() throws Exception {
    Path stale = Files.write(directory.resolve(".incoming-1.tmp"), new byte[10]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(7))));
    Path recent = Files.write(directory.resolve(".incoming-2.tmp"), new byte[10]);

    int removed = new FileSystemPackageStore(directory).removeStaleTempFiles(Duration.ofHours(6));

    assertThat(removed).isEqualTo(1);
    assertThat(stale).doesNotExist();
    assertThat(recent).exists();
  }

  @Test
  void failingWriterLeavesNothingBehind() {
    FileSystemPackageStore store = new FileSystemPackageStore(directory);

    assertThatThrownBy(
            () ->
                store.write(
                    "t.tar.gz",
                    out -> {
                      out.write(new byte[1000]);
                      throw new IOException("disk on fire");
                    }))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("disk on fire");
    assertThat(store.count()).isZero();
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void plainFileNameRuleAndDigestRule() {
    assertThat(PackageStore.isPlainFileName("topology.tar.gz")).isTrue();
    assertThat(PackageStore.isPlainFileName("My_Topo-1.0.jar")).isTrue();
    assertThat(PackageStore.isPlainFileName("..")).isFalse();
    assertThat(PackageStore.isPlainFileName("a".repeat(256))).isFalse();
    assertThat(PackageStore.isSha256("0123456789abcdef".repeat(4))).isTrue();
    assertThat(PackageStore.isSha256("0123456789ABCDEF".repeat(4))).isFalse();
    assertThat(PackageStore.isSha256("0123456789abcdef".repeat(3))).isFalse();
  }

  private List<Path> temporaryFiles() {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".incoming-")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  /** A stream of {@code length} generated bytes, counting how far it was read. */
  static final class PatternStream extends InputStream {
    private final long length;
    long position;

    PatternStream(long length) {
      this.length = length;
    }

    @Override
    public int read() {
      return position < length ? (int) (position++ * 31 % 251) : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - position);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) (position++ * 31 % 251);
      }
      return n;
    }
  }

  /** Serves {@code content}, waiting on a barrier once half of it was read. */
  private static final class PausingStream extends InputStream {
    private final byte[] content;
    private final CyclicBarrier halfway;
    private int position;
    private boolean paused;

    PausingStream(byte[] content, CyclicBarrier halfway) {
      this.content = content;
      this.halfway = halfway;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int half = content.length / 2;
      if (!paused && position >= half) {
        paused = true;
        try {
          halfway.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IOException("the other upload never got half way", e);
        }
      }
      if (position >= content.length) {
        return -1;
      }
      int limit = paused ? content.length : half;
      int n = Math.min(len, limit - position);
      System.arraycopy(content, position, b, off, n);
      position += n;
      return n;
    }
  }
}
