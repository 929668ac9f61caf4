package io.heroncp.health;

import io.heroncp.packages.FileSystemPackageStore;
import io.heroncp.packages.PackageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.unit.DataSize;

/**
 * The package store. A directory: UP when it is writable and has room for at least one upload of
 * the maximum size ({@code heroncp.packages.max-upload-size}); otherwise a submit would fail, so
 * the replica is not ready (details {@code directory}, {@code writable}, {@code free_bytes} (-1 if
 * unknown), {@code required_free_bytes}). A bucket: UP when a probe object can be written, read
 * back and deleted (details {@code location}, {@code detail}, {@code probed_at}); the probe is
 * reused for {@link #BUCKET_PROBE_REUSE} so frequent readiness checks neither wait for the object
 * store nor write to it each time. Does not list the store (that grows with the number of
 * packages). Thread-safe.
 */
public final class PackageStoreHealthIndicator implements HealthIndicator {

  /** How long one bucket probe answers health checks. */
  static final Duration BUCKET_PROBE_REUSE = Duration.ofSeconds(30);

  private final PackageStore store;
  private final long requiredFreeBytes;
  private final Clock clock;
  private volatile PackageStore.Probe lastProbe;
  private volatile Instant probedAt = Instant.MIN;

  /**
   * @param store the package store
   * @param requiredFreeBytes below this many usable bytes a directory store reports DOWN
   */
  public PackageStoreHealthIndicator(PackageStore store, DataSize requiredFreeBytes) {
    this(store, requiredFreeBytes, Clock.systemUTC());
  }

  PackageStoreHealthIndicator(PackageStore store, DataSize requiredFreeBytes, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.requiredFreeBytes = requiredFreeBytes.toBytes();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private synchronized PackageStore.Probe bucketProbe() {
    Instant now = clock.instant();
    if (lastProbe == null || !now.isBefore(probedAt.plus(BUCKET_PROBE_REUSE))) {
      lastProbe = store.probe();
      probedAt = now;
    }
    return lastProbe;
  }

  @Override
  public Health health() {
    if (store instanceof FileSystemPackageStore directory) {
      return directoryHealth(directory);
    }
    PackageStore.Probe probe = bucketProbe();
    return (probe.ok()
            ? Health.up()
            : Health.down()
                .withDetail(
                    "reason",
                    "the bucket cannot be written; check heroncp.packages.s3.* and the credentials"))
        .withDetail("location", store.location())
        .withDetail("detail", probe.detail())
        .withDetail("probed_at", probedAt.toString())
        .build();
  }

  private Health directoryHealth(FileSystemPackageStore store) {
    boolean writable = store.writable();
    long free = store.freeBytes();
    Health.Builder health;
    if (!writable) {
      health =
          Health.down()
              .withDetail(
                  "reason",
                  "the directory does not exist or is not writable by this process;"
                      + " check heroncp.packages.directory and the volume mounted there");
    } else if (free >= 0 && free < requiredFreeBytes) {
      health =
          Health.down()
              .withDetail(
                  "reason",
                  "less free space than one upload of heroncp.packages.max-upload-size;"
                      + " free space or remove unused packages");
    } else {
      health = Health.up();
    }
    return health
        .withDetail("directory", store.directory().toString())
        .withDetail("writable", writable)
        .withDetail("free_bytes", free)
        .withDetail("required_free_bytes", requiredFreeBytes)
        .build();
  }
}
