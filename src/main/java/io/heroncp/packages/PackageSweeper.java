package io.heroncp.packages;

import io.heroncp.topology.Operation;
import io.heroncp.topology.OperationLog;
import io.heroncp.topology.TopologyLocks;
import io.heroncp.topology.TopologyRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects what crashes leave in the package store, run by the elected leader only:
 *
 * <ul>
 *   <li>packages no topology record references, stored longer than {@code gracePeriod} ago, not
 *       after the start of an unfinished submit or update (whose record may not be written yet) and
 *       not after a topology lock now held was taken (a submit stores its package under its lock
 *       before it records its intent): e.g. a crash between storing a package and writing its
 *       record;
 *   <li>upload temp files (and unfinished multipart uploads) older than {@code incomingTtl}.
 * </ul>
 *
 * <p>Metrics: {@code heroncp.packages.swept} (counter, tag {@code kind}: {@code package} or {@code
 * temp}) and {@code heroncp.packages.sweep.failures} (counter). Idempotent: a sweep that races a
 * submit never deletes a package that submit stored, since the package is younger than the grace
 * period; two sweeps at once (a leadership change) delete the same things. One sweep at a time per
 * instance.
 */
public final class PackageSweeper {

  private static final Logger log = LoggerFactory.getLogger(PackageSweeper.class);

  /**
   * Clock differences between replicas and the object store the unfinished-operation rule allows.
   */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  public static final String SWEPT = "heroncp.packages.swept";
  public static final String FAILURES = "heroncp.packages.sweep.failures";

  private final PackageStore store;
  private final TopologyRepository records;
  private final OperationLog operations;
  private final TopologyLocks locks;
  private final Duration gracePeriod;
  private final Duration incomingTtl;
  private final Clock clock;
  private final Counter sweptPackages;
  private final Counter sweptTemps;
  private final Counter failures;

  /** What one sweep removed. */
  public record Result(int packages, int tempFiles) {}

  public PackageSweeper(
      PackageStore store,
      TopologyRepository records,
      OperationLog operations,
      TopologyLocks locks,
      Duration gracePeriod,
      Duration incomingTtl,
      MeterRegistry registry,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.records = Objects.requireNonNull(records, "records");
    this.operations = Objects.requireNonNull(operations, "operations");
    this.locks = Objects.requireNonNull(locks, "locks");
    this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
    this.incomingTtl = Objects.requireNonNull(incomingTtl, "incomingTtl");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sweptPackages =
        Counter.builder(SWEPT)
            .description("Orphan packages and stale upload temp files the leader removed")
            .tag("kind", "package")
            .register(registry);
    this.sweptTemps =
        Counter.builder(SWEPT)
            .description("Orphan packages and stale upload temp files the leader removed")
            .tag("kind", "temp")
            .register(registry);
    this.failures =
        Counter.builder(FAILURES)
            .description("Package sweeps that failed (retried at the next interval)")
            .register(registry);
  }

  /** One sweep; failures are logged and counted, never thrown (the next run retries). */
  public synchronized Result sweepOnce() {
    try {
      int temps = store.removeStaleTempFiles(incomingTtl);
      int packages = sweepOrphans();
      sweptTemps.increment(temps);
      sweptPackages.increment(packages);
      if (temps + packages > 0) {
        log.info(
            "Package sweep of {} removed {} orphan package(s) and {} stale temp file(s)",
            store.location(),
            packages,
            temps);
      }
      return new Result(packages, temps);
    } catch (RuntimeException e) {
      failures.increment();
      log.warn(
          "Package sweep of {} failed; it runs again later: {}", store.location(), e.toString());
      return new Result(0, 0);
    }
  }

  private int sweepOrphans() {
    Instant now = clock.instant();
    Instant graceBefore = now.minus(gracePeriod);
    // A package stored after an unfinished submit or update started may be that operation's.
    // So may one stored under a topology lock held now (a submit before its intent is recorded).
    Optional<Instant> keepAfter =
        java.util.stream.Stream.concat(
                operations.unfinished().stream()
                    .filter(
                        o -> o.verb() == Operation.Verb.SUBMIT || o.verb() == Operation.Verb.UPDATE)
                    .map(Operation::startedAt),
                locks.oldestHeldSince().stream())
            .min(Instant::compareTo)
            .map(started -> started.minus(CLOCK_SKEW));
    int removed = 0;
    for (StoredPackage stored : store.list()) {
      Instant storedAt = stored.storedAt();
      if (storedAt == null || !storedAt.isBefore(graceBefore)) {
        continue;
      }
      if (keepAfter.isPresent() && !storedAt.isBefore(keepAfter.get())) {
        continue;
      }
      if (records.isPackageReferenced(stored.sha256())) {
        continue;
      }
      if (store.delete(stored.sha256())) {
        log.info(
            "Removed orphan package {}/{} ({} bytes, stored {}): no topology references it",
            stored.sha256(),
            stored.fileName(),
            stored.size(),
            storedAt);
        removed++;
      }
    }
    return removed;
  }
}
