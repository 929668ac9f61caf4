package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.topology.Operation;
import io.heroncp.topology.OperationLog;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyLocks;
import io.heroncp.topology.TopologyRepository;
import io.heroncp.topology.TopologyState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's package sweep over the file-system store (the S3 store: S3ReplicasTest). */
class PackageSweeperTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path directory;
  private FileSystemPackageStore store;
  private final Set<String> referenced = new HashSet<>();
  private final List<Operation> unfinished = new ArrayList<>();
  private Instant lockedSince;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private PackageSweeper sweeper;

  @BeforeEach
  void setUp() {
    store = new FileSystemPackageStore(directory);
    sweeper =
        new PackageSweeper(
            store,
            only(
                TopologyRepository.class,
                "isPackageReferenced",
                args -> referenced.contains(args[0])),
            only(OperationLog.class, "unfinished", args -> List.copyOf(unfinished)),
            only(TopologyLocks.class, "oldestHeldSince", args -> Optional.ofNullable(lockedSince)),
            Duration.ofHours(1),
            Duration.ofHours(6),
            registry,
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** A port of which the sweep may call one method; any other call fails the test. */
  @SuppressWarnings("unchecked")
  private static <T> T only(
      Class<T> port, String method, java.util.function.Function<Object[], Object> answer) {
    return (T)
        Proxy.newProxyInstance(
            port.getClassLoader(),
            new Class<?>[] {port},
            (proxy, called, args) -> {
              if (called.getName().equals(method)) {
                return answer.apply(args);
              }
              throw new AssertionError("the sweep must not call " + called.getName());
            });
  }

  private StoredPackage stored(byte content, Duration age) throws Exception {
    StoredPackage stored =
        store.store(new ByteArrayInputStream(new byte[] {content}), "topology.tar.gz", 10);
    Files.setLastModifiedTime(stored.path(), FileTime.from(NOW.minus(age)));
    return stored;
  }

  private static Operation submitStarted(Instant startedAt) {
    return new Operation(
        "op-1",
        Operation.Verb.SUBMIT,
        new TopologyKey("local", "alice", "devel", "word-count"),
        Map.of(),
        "alice",
        startedAt,
        null,
        Operation.Outcome.RUNNING,
        null,
        null,
        TopologyState.RUNNING,
        null,
        null,
        0);
  }

  private double swept(String kind) {
    return registry.counter(PackageSweeper.SWEPT, "kind", kind).count();
  }

  @Test
  void orphanOlderThanTheGracePeriodIsRemovedReferencedAndRecentOnesKept() throws Exception {
    StoredPackage orphan = stored((byte) 1, Duration.ofHours(2));
    StoredPackage inUse = stored((byte) 2, Duration.ofHours(2));
    StoredPackage recent = stored((byte) 3, Duration.ofMinutes(10));
    referenced.add(inUse.sha256());

    PackageSweeper.Result result = sweeper.sweepOnce();

    assertThat(result.packages()).isEqualTo(1);
    assertThat(store.find(orphan.sha256(), "topology.tar.gz")).isEmpty();
    assertThat(store.find(inUse.sha256(), "topology.tar.gz")).isPresent();
    assertThat(store.find(recent.sha256(), "topology.tar.gz")).isPresent();
    assertThat(swept("package")).isEqualTo(1);
    // Idempotent: nothing more to do.
    assertThat(sweeper.sweepOnce().packages()).isZero();
  }

  @Test
  void packageStoredAfterAnUnfinishedSubmitStartedIsKeptForThatSubmit() throws Exception {
    StoredPackage pending = stored((byte) 1, Duration.ofHours(2));
    unfinished.add(submitStarted(NOW.minus(Duration.ofHours(3))));

    assertThat(sweeper.sweepOnce().packages()).isZero();
    assertThat(store.find(pending.sha256(), "topology.tar.gz")).isPresent();

    // A submit that started after the package was stored cannot be its owner.
    unfinished.set(0, submitStarted(NOW.minus(Duration.ofMinutes(30))));
    assertThat(sweeper.sweepOnce().packages()).isEqualTo(1);
    assertThat(store.find(pending.sha256(), "topology.tar.gz")).isEmpty();
  }

  @Test
  void packageStoredAfterATopologyLockNowHeldWasTakenIsKeptForItsSubmit() throws Exception {
    // A submit stores its package under its lock and records its intent (and operation) after.
    StoredPackage pending = stored((byte) 1, Duration.ofHours(2));
    lockedSince = NOW.minus(Duration.ofHours(3));

    assertThat(sweeper.sweepOnce().packages()).isZero();
    assertThat(store.find(pending.sha256(), "topology.tar.gz")).isPresent();

    // A lock taken after the package was stored cannot be its submit's.
    lockedSince = NOW.minus(Duration.ofMinutes(30));
    assertThat(sweeper.sweepOnce().packages()).isEqualTo(1);
    assertThat(store.find(pending.sha256(), "topology.tar.gz")).isEmpty();
  }

  @Test
  void uploadTempFilesOlderThanTheTtlAreRemovedAndCounted() throws Exception {
    Path stale = Files.write(directory.resolve(".incoming-1.tmp"), new byte[10]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(7))));
    Path uploading = Files.write(directory.resolve(".incoming-2.tmp"), new byte[10]);

    assertThat(sweeper.sweepOnce().tempFiles()).isEqualTo(1);

    assertThat(stale).doesNotExist();
    assertThat(uploading).exists();
    assertThat(swept("temp")).isEqualTo(1);
  }

  @Test
  void failedSweepIsCountedAndRetriedNotThrown() throws Exception {
    stored((byte) 1, Duration.ofHours(2));
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    assertThat(sweeper.sweepOnce()).isEqualTo(new PackageSweeper.Result(0, 0));

    assertThat(registry.counter(PackageSweeper.FAILURES).count()).isEqualTo(1);
  }
}
