package io.heroncp.topology;

import io.heroncp.problems.BusyException;
import io.heroncp.problems.ControlPlaneException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observed Aurora state of every recorded topology, off the request path: per cluster, every
 * {@code heroncp.status.poll-interval}, one {@link TopologyScheduler#statuses} call per {@code
 * batch-size} jobs this service records there (from the repository's cache), kept in memory with
 * the time it was observed. Reads ({@link #observed}) never call the scheduler; {@link #refresh}
 * does, at most once per poll interval per topology.
 *
 * <p>A RUNNING or PAUSED topology whose job has no active task on two consecutive successful polls
 * (the record unchanged in between) becomes FAILED with a {@link TopologyRecord.Failure}: under the
 * topology's lock (never racing an operation), conditional on the record's version, so replicas
 * that all watch may race harmlessly. A failed poll keeps the last observation, marks it stale with
 * the error and judges nothing.
 *
 * <p>Thread-safe: one poll of a cluster at a time (on the executor), refreshes from any thread.
 */
public class TopologyStatusWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopologyStatusWatcher.class);

  /** The reason of a topology whose Aurora job vanished. */
  public static final String VANISHED = "AuroraJobVanished";

  /** How many consecutive polls must see no active task before a topology is FAILED. */
  static final int VANISHED_POLLS = 2;

  /** Told about status calls and changes; must be fast and must not throw. */
  public interface Listener {

    /**
     * One status call to a cluster's scheduler is about to be made.
     *
     * @param trigger {@code poll} (the schedule) or {@code refresh} (a {@code refresh=true} read)
     */
    default void statusCall(String cluster, String trigger) {}

    /** A topology's observed tasks changed (or were observed for the first time). */
    default void tasksChanged(TopologyKey key, ObservedStatus previous, ObservedStatus current) {}

    /** The watcher marked this topology FAILED. */
    default void failed(TopologyRecord record) {}
  }

  private final TopologyRepository topologies;
  private final TopologyLocks locks;
  private final SchedulerDirectory schedulers;
  private final Set<String> clusters;
  private final Duration pollInterval;
  private final int batchSize;
  private final Clock clock;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Map<TopologyKey, Watched> watched = new ConcurrentHashMap<>();
  private final Map<TopologyKey, Instant> lastRefresh = new ConcurrentHashMap<>();
  private final List<ScheduledFuture<?>> polls = new ArrayList<>();

  public TopologyStatusWatcher(
      TopologyRepository topologies,
      TopologyLocks locks,
      SchedulerDirectory schedulers,
      Set<String> clusters,
      StatusProperties properties,
      Clock clock) {
    this.topologies = topologies;
    this.locks = locks;
    this.schedulers = schedulers;
    this.clusters = Set.copyOf(clusters);
    this.pollInterval = properties.pollInterval();
    this.batchSize = properties.batchSize();
    this.clock = clock;
  }

  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Schedules one poll loop per cluster (fixed delay) on {@code executor}. */
  public synchronized void start(ScheduledExecutorService executor) {
    if (!polls.isEmpty()) {
      return;
    }
    for (String cluster : clusters) {
      polls.add(
          executor.scheduleWithFixedDelay(
              () -> pollQuietly(cluster), 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  /** Stops polling; the observations stay readable. */
  @Override
  public synchronized void close() {
    polls.forEach(poll -> poll.cancel(false));
    polls.clear();
  }

  /** The poll interval: how old an observation of a healthy watcher gets at most. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** From memory: the last observation of this topology (this id), if there is one yet. */
  public Optional<ObservedStatus> observed(TopologyKey key, String topologyId) {
    Watched entry = watched.get(key);
    return entry == null || !entry.status.topologyId().equals(topologyId)
        ? Optional.empty()
        : Optional.of(entry.status);
  }

  /**
   * One live status call for this topology, unless one was made less than a poll interval ago (then
   * the observation in memory). A failed call is kept as a stale observation, not thrown.
   */
  public ObservedStatus refresh(TopologyRecord record) {
    Instant now = clock.instant();
    boolean[] due = {false};
    lastRefresh.compute(
        record.key(),
        (k, last) -> {
          if (last != null && last.plus(pollInterval).isAfter(now)) {
            return last;
          }
          due[0] = true;
          return now;
        });
    if (due[0]) {
      observe(record.key().cluster(), List.of(record), "refresh");
    }
    return observed(record.key(), record.topologyId())
        .orElseGet(() -> new ObservedStatus(record.topologyId(), null, null, null, null));
  }

  /** One poll of a cluster: every recorded topology there, in batches; then the verdicts. */
  void pollOnce(String cluster) {
    List<TopologyRecord> records =
        topologies.list().stream().filter(r -> r.key().cluster().equals(cluster)).toList();
    Set<TopologyKey> present = new HashSet<>();
    for (int from = 0; from < records.size(); from += batchSize) {
      List<TopologyRecord> batch =
          records.subList(from, Math.min(records.size(), from + batchSize));
      observe(cluster, batch, "poll");
      batch.forEach(r -> present.add(r.key()));
    }
    // Killed topologies: their observations go.
    watched.keySet().removeIf(k -> k.cluster().equals(cluster) && !present.contains(k));
    lastRefresh.keySet().removeIf(k -> k.cluster().equals(cluster) && !present.contains(k));
    for (TopologyRecord record : records) {
      Watched entry = watched.get(record.key());
      if (entry != null && entry.vanishedPolls >= VANISHED_POLLS) {
        markVanished(record, entry);
      }
    }
  }

  private void pollQuietly(String cluster) {
    try {
      pollOnce(cluster);
    } catch (RuntimeException e) {
      log.warn("Status poll of cluster {} failed, retrying on the next: {}", cluster, e.toString());
    }
  }

  private void observe(String cluster, List<TopologyRecord> batch, String trigger) {
    List<TopologyScheduler.StatusQuery> queries =
        batch.stream()
            .map(
                r ->
                    new TopologyScheduler.StatusQuery(
                        r.key(), r.topologyId(), r.packing().auroraInstances()))
            .toList();
    listeners.forEach(l -> l.statusCall(cluster, trigger));
    Map<TopologyKey, JobStatus> answer;
    try {
      answer = schedulers.forCluster(cluster).statuses(queries);
    } catch (RuntimeException e) {
      Instant at = clock.instant();
      String error = e instanceof ControlPlaneException ? e.getMessage() : e.toString();
      log.debug("Status call to cluster {} failed: {}", cluster, error);
      for (TopologyRecord record : batch) {
        watched.compute(
            record.key(),
            (k, old) -> new Watched(current(old, record).failed(error, at), 0, record.version()));
      }
      return;
    }
    Instant at = clock.instant();
    boolean poll = trigger.equals("poll");
    for (TopologyRecord record : batch) {
      JobStatus job = answer.get(record.key());
      if (job == null) {
        continue;
      }
      Watched before = watched.get(record.key());
      Watched after =
          watched.compute(
              record.key(),
              (k, old) -> {
                ObservedStatus status = current(old, record).observed(job, at);
                int vanished = old == null ? 0 : old.vanishedPolls;
                if (poll) {
                  boolean sameRecord = old != null && old.recordVersion == record.version();
                  vanished =
                      !job.exists() && watchedForVanishing(record)
                          ? (sameRecord ? vanished : 0) + 1
                          : 0;
                }
                return new Watched(status, vanished, record.version());
              });
      ObservedStatus previous =
          before == null || !before.status.topologyId().equals(record.topologyId())
              ? null
              : before.status;
      if (previous == null || !Objects.equals(previous.job(), after.status.job())) {
        listeners.forEach(l -> l.tasksChanged(record.key(), previous, after.status));
      }
    }
  }

  /** The entry's observation when it is of this topology id, else a new empty one. */
  private static ObservedStatus current(Watched old, TopologyRecord record) {
    return old != null && old.status.topologyId().equals(record.topologyId())
        ? old.status
        : new ObservedStatus(record.topologyId(), null, null, null, null);
  }

  private static boolean watchedForVanishing(TopologyRecord record) {
    return record.state() == TopologyState.RUNNING || record.state() == TopologyState.PAUSED;
  }

  private void markVanished(TopologyRecord seen, Watched entry) {
    try (TopologyLocks.Held ignored = locks.acquire(seen.key(), Duration.ZERO)) {
      Optional<TopologyRecord> fresh = topologies.read(seen.key());
      if (fresh.isEmpty()
          || fresh.get().version() != entry.recordVersion
          || !watchedForVanishing(fresh.get())) {
        return; // changed since it was observed: the next polls judge again
      }
      TopologyRecord record = fresh.get();
      TopologyRecord failed =
          topologies.update(
              record.failed(
                  new TopologyRecord.Failure(
                      VANISHED,
                      "The Aurora job "
                          + record.auroraJob()
                          + " has no active task (seen on "
                          + VANISHED_POLLS
                          + " consecutive polls, the last at "
                          + entry.status.observedAt()
                          + "): it was killed outside this service or lost by Aurora. "
                          + "Kill the topology to remove its state, then submit it again",
                      clock.instant())));
      watched.computeIfPresent(
          seen.key(), (k, old) -> new Watched(old.status, 0, failed.version()));
      log.warn(
          "status topology={} outcome=FAILED reason={}: its Aurora job {} has no active task",
          record.key().path(),
          VANISHED,
          record.auroraJob());
      listeners.forEach(l -> l.failed(failed));
    } catch (BusyException busy) {
      // An operation holds the topology: it is not judged now.
    } catch (ControlPlaneException e) {
      log.debug("Could not mark {} FAILED: {}", seen.key(), e.getMessage());
    }
  }

  /**
   * An observation with how many consecutive polls saw no active task for the record at {@code
   * recordVersion}.
   */
  private record Watched(ObservedStatus status, int vanishedPolls, int recordVersion) {}
}
