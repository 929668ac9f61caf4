package io.heroncp.metrics;

import io.heroncp.packages.PackageStore;
import io.heroncp.packages.StoredPackage;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's own metrics, all named {@code heroncp.*} (Prometheus: {@code heroncp_*}); README
 * "Metrics" lists them. Timers publish histograms so dashboards can compute quantiles across
 * replicas.
 *
 * <ul>
 *   <li>{@value #OPERATIONS} timer, tags {@code verb}, {@code cluster}, {@code outcome}, {@code
 *       problem}: lifecycle operations ({@link #recordOperation});
 *   <li>{@value #AURORA_CALLS} timer, tags {@code cluster}, {@code method}, {@code response_code}:
 *       every Thrift exchange with an Aurora scheduler ({@link #recordAuroraCall});
 *   <li>{@value #AURORA_STATUS_CALLS} counter, tags {@code cluster}, {@code trigger} ({@code poll}
 *       or {@code refresh}): the status watcher's task queries ({@link #countStatusCall}), which do
 *       not depend on how many reads arrive;
 *   <li>{@value #ZOOKEEPER_OPERATIONS} timer, tags {@code kind} and {@code context} ({@value
 *       #ZOOKEEPER_REQUEST} or {@value #ZOOKEEPER_BACKGROUND}) ({@link #recordZooKeeper});
 *   <li>{@value #TOPOLOGIES} gauge, tags {@code cluster}, {@code state}; {@value #PACKAGES_BYTES},
 *       {@value #PACKAGES_STORED} and {@value #PACKAGES_FREE} gauges ({@link #registerGauges});
 *   <li>{@value #RECONCILER_RUNS} and {@value #RECONCILER_REPAIRS} counters;
 *   <li>{@value #QUARANTINED} counter, tag {@code kind}: stored records that could not be read and
 *       were set aside ({@link #countQuarantined}).
 * </ul>
 *
 * <p>Thread-safe. An operation's {@code outcome} is how it ended ({@code succeeded}, {@code
 * failed}, {@code rolled_back}) and {@code problem} the problem type of a failure ({@code
 * dependency-unavailable}, {@code conflict}, ...; {@code none} on success), so the number of series
 * stays small.
 */
public class ControlPlaneMetrics {

  public static final String OPERATIONS = "heroncp.operations";
  public static final String AURORA_CALLS = "heroncp.aurora.calls";
  public static final String AURORA_STATUS_CALLS = "heroncp.aurora.status.calls";
  public static final String ZOOKEEPER_OPERATIONS = "heroncp.zookeeper.operations";

  /** {@code context} of a ZooKeeper operation made on a thread serving an HTTP request. */
  public static final String ZOOKEEPER_REQUEST = "request";

  /**
   * {@code context} of any other ZooKeeper operation: caches, watches, leader election, the status
   * watcher, leader-only tasks, operations run after a {@code 202 Accepted}.
   */
  public static final String ZOOKEEPER_BACKGROUND = "background";

  public static final String TOPOLOGIES = "heroncp.topologies";
  public static final String PACKAGES_BYTES = "heroncp.packages.size";
  public static final String PACKAGES_STORED = "heroncp.packages.stored";
  public static final String PACKAGES_FREE = "heroncp.packages.free";
  public static final String RECONCILER_RUNS = "heroncp.reconciler.runs";
  public static final String RECONCILER_REPAIRS = "heroncp.reconciler.repairs";
  public static final String QUARANTINED = "heroncp.quarantined";

  private static final Logger log = LoggerFactory.getLogger(ControlPlaneMetrics.class);
  private static final Duration MIN_EXPECTED = Duration.ofMillis(1);
  private static final Duration MAX_EXPECTED = Duration.ofMinutes(2);

  private final MeterRegistry registry;
  private final Counter reconcilerRuns;
  private final Counter reconcilerRepairs;

  public ControlPlaneMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.reconcilerRuns =
        Counter.builder(RECONCILER_RUNS)
            .description("Reconciliation passes run (on the leader)")
            .register(registry);
    this.reconcilerRepairs =
        Counter.builder(RECONCILER_REPAIRS)
            .description(
                "Differences between the records, Heron's state and Aurora that a reconciliation repaired")
            .register(registry);
  }

  /**
   * Records a lifecycle operation ({@code verb}: submit, kill, activate, ...) that took {@code
   * duration}.
   *
   * @param outcome how it ended: succeeded, failed or rolled_back
   * @param problem the problem type of a failure, or null on success (tagged {@code none})
   */
  public void recordOperation(
      String verb, String cluster, String outcome, String problem, Duration duration) {
    timer(
            OPERATIONS,
            "Lifecycle operations, by verb, cluster, outcome and problem type",
            "verb",
            verb,
            "cluster",
            cluster,
            "outcome",
            outcome,
            "problem",
            problem == null ? "none" : problem)
        .record(duration);
  }

  /**
   * Records one Thrift exchange with an Aurora scheduler; fits {@code aurora.AuroraCallObserver}.
   */
  public void recordAuroraCall(
      String cluster, String method, String responseCode, long durationNanos) {
    timer(
            AURORA_CALLS,
            "Thrift calls to Aurora schedulers, by cluster, method and Aurora response code",
            "cluster",
            cluster,
            "method",
            method,
            "response_code",
            responseCode)
        .record(Duration.ofNanos(durationNanos));
  }

  /**
   * Records a ZooKeeper operation ({@code kind}: e.g. {@code GetDataBuilderImpl-Foreground}) that
   * took {@code duration}, made in {@code context}: {@value #ZOOKEEPER_REQUEST} (on the request
   * path) or {@value #ZOOKEEPER_BACKGROUND}.
   */
  public void recordZooKeeper(String kind, String context, Duration duration) {
    timer(
            ZOOKEEPER_OPERATIONS,
            "ZooKeeper operations of the service, by kind and context (request path or background)",
            "kind",
            kind,
            "context",
            context)
        .record(duration);
  }

  /** Counts one stored record ({@code kind}: operation, topology) set aside as unreadable. */
  public void countQuarantined(String kind) {
    Counter.builder(QUARANTINED)
        .description("Stored records that could not be read back and were set aside, by kind")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  /** Counts one status call of the status watcher to a cluster's scheduler. */
  public void countStatusCall(String cluster, String trigger) {
    Counter.builder(AURORA_STATUS_CALLS)
        .description(
            "Task status queries to Aurora schedulers by the status watcher, by cluster and trigger")
        .tags("cluster", cluster, "trigger", trigger)
        .register(registry)
        .increment();
  }

  /** Counts one reconciliation pass. */
  public void countReconcilerRun() {
    reconcilerRuns.increment();
  }

  /** Counts repairs made by a reconciliation pass. */
  public void countReconcilerRepairs(long repairs) {
    if (repairs > 0) {
      reconcilerRepairs.increment(repairs);
    }
  }

  /**
   * Registers the gauges: {@value #TOPOLOGIES} for every configured cluster and every state (0 when
   * none), and the package store's size, file count and free space. The topology records and the
   * package list are read at most once per {@code refresh}, whatever the number of gauges or
   * scrapes. A gauge whose source fails reads NaN.
   *
   * @param clusters the configured cluster names
   * @param topologies the service's topology records (e.g. {@code TopologyStore::list})
   * @param packages the package store
   * @param refresh how long one reading is reused
   */
  public void registerGauges(
      Set<String> clusters,
      Supplier<List<TopologyRecord>> topologies,
      PackageStore packages,
      Duration refresh) {
    RefreshingValue<Map<String, Map<TopologyState, Integer>>> counts =
        new RefreshingValue<>(() -> countByClusterAndState(topologies.get()), refresh);
    for (String cluster : clusters) {
      for (TopologyState state : TopologyState.values()) {
        Gauge.builder(
                TOPOLOGIES,
                () ->
                    read(() -> counts.get().getOrDefault(cluster, Map.of()).getOrDefault(state, 0)))
            .description("Topologies the service records, by cluster and state")
            .tags("cluster", cluster, "state", state.name())
            .register(registry);
      }
    }
    RefreshingValue<List<StoredPackage>> stored = new RefreshingValue<>(packages::list, refresh);
    Gauge.builder(
            PACKAGES_BYTES,
            () -> read(() -> stored.get().stream().mapToLong(StoredPackage::size).sum()))
        .description("Bytes of all files in the package store")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder(PACKAGES_STORED, () -> read(() -> stored.get().size()))
        .description("Files in the package store")
        .register(registry);
    Gauge.builder(PACKAGES_FREE, () -> read(packages::freeBytes))
        .description("Usable bytes left on the package store's file system")
        .baseUnit("bytes")
        .register(registry);
  }

  private static Map<String, Map<TopologyState, Integer>> countByClusterAndState(
      List<TopologyRecord> records) {
    Map<String, Map<TopologyState, Integer>> counts = new HashMap<>();
    for (TopologyRecord record : records) {
      counts
          .computeIfAbsent(record.key().cluster(), c -> new EnumMap<>(TopologyState.class))
          .merge(record.state(), 1, Integer::sum);
    }
    return counts;
  }

  private static double read(Supplier<? extends Number> value) {
    try {
      return value.get().doubleValue();
    } catch (RuntimeException e) {
      log.debug("A gauge's source failed: {}", e.toString());
      return Double.NaN;
    }
  }

  private Timer timer(String name, String description, String... tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .publishPercentileHistogram()
        .minimumExpectedValue(MIN_EXPECTED)
        .maximumExpectedValue(MAX_EXPECTED)
        .register(registry);
  }
}
