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
 * <p>After each poll it judges every topology without an operation in flight (see {@link
 * TopologyConditions}): it records changed conditions, turns a settling topology (STARTING,
 * RESTARTING, UPDATING after its operation) RUNNING or PAUSED once an observation made after that
 * operation sees every task running and the topology manager announced (a topology manager's
 * announcement is judged at once, from the last observation), and marks a topology whose job has no
 * active task on two consecutive successful polls (the record unchanged in between) FAILED with a
 * {@link TopologyRecord.Failure} and a FAIL entry in its history. Every write happens under the
 * topology's lock taken without waiting (never racing an operation) and is conditional on the
 * record's version, so replicas that all watch race harmlessly. A failed poll keeps the last
 * observation, marks it stale with the error and judges nothing.
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

  /** Who the FAIL history entries name as requester. */
  public static final String SERVICE_PRINCIPAL = "heron-controlplane";

  private final TopologyRepository topologies;
  private final TopologyLocks locks;
  private final SchedulerDirectory schedulers;
  private final OperationLog operations;
  private final TopologyManagerClient topologyManager;
  private final TopologyClusters clusterDirectory;
  private final Set<String> clusters;
  private final Duration pollInterval;
  private final Duration degradedAfter;
  private final int batchSize;
  private final Clock clock;
  private volatile ScheduledExecutorService executor;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Map<TopologyKey, Watched> watched = new ConcurrentHashMap<>();
  private final Map<TopologyKey, Instant> lastRefresh = new ConcurrentHashMap<>();
  private final List<ScheduledFuture<?>> polls = new ArrayList<>();

  public TopologyStatusWatcher(
      TopologyRepository topologies,
      TopologyLocks locks,
      SchedulerDirectory schedulers,
      OperationLog operations,
      TopologyManagerClient topologyManager,
      TopologyClusters clusterDirectory,
      StatusProperties properties,
      Clock clock) {
    this.topologies = topologies;
    this.locks = locks;
    this.schedulers = schedulers;
    this.operations = operations;
    this.topologyManager = topologyManager;
    this.clusterDirectory = clusterDirectory;
    this.clusters = Set.copyOf(clusterDirectory.names());
    this.pollInterval = properties.pollInterval();
    this.degradedAfter = properties.degradedAfter();
    this.batchSize = properties.batchSize();
    this.clock = clock;
    topologyManager.addAnnouncementListener(this::announcementChanged);
  }

  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Schedules one poll loop per cluster on {@code executor}, at a fixed rate: a poll starts every
   * poll interval whatever the service's own load (a fixed delay would stretch the schedule while
   * reads keep the cores busy); a poll that takes longer than the interval delays the next one and
   * never overlaps it, so a cluster never gets more than one status call per batch per interval.
   */
  public synchronized void start(ScheduledExecutorService executor) {
    if (!polls.isEmpty()) {
      return;
    }
    this.executor = executor;
    for (String cluster : clusters) {
      polls.add(
          executor.scheduleAtFixedRate(
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
      } else if (entry != null && !entry.status.stale()) {
        judge(record);
      }
    }
  }

  /** A topology manager came or went: judge its topology now, from the last observation. */
  private void announcementChanged(String heronRoot, String name, boolean announced) {
    ScheduledExecutorService pool = executor;
    if (pool == null) {
      return;
    }
    for (String cluster : clusters) {
      if (!heronRoot.equals(heronRoot(cluster))) {
        continue;
      }
      topologies
          .find(cluster, name)
          .ifPresent(
              record -> {
                try {
                  pool.execute(() -> judgeQuietly(record.key()));
                } catch (RuntimeException rejected) {
                  // shutting down
                }
              });
    }
  }

  private void judgeQuietly(TopologyKey key) {
    try {
      topologies.find(key).ifPresent(this::judge);
    } catch (RuntimeException e) {
      log.debug("Could not judge {}: {}", key, e.toString());
    }
  }

  /**
   * Evaluates the conditions of one topology from memory; writes them (and the settled state) when
   * they changed.
   */
  void judge(TopologyRecord record) {
    if (!judged(record)) {
      return;
    }
    Watched entry = watched.get(record.key());
    ObservedStatus observed =
        entry == null || !entry.status.topologyId().equals(record.topologyId())
            ? null
            : entry.status;
    Instant now = clock.instant();
    boolean announced =
        topologyManager.announced(heronRoot(record.key().cluster()), record.key().name());
    Instant troubleSince = entry == null ? null : entry.troubleSince;
    boolean trouble =
        TopologyConditions.evaluate(record, observed, announced, troubleSince, now, degradedAfter)
            .trouble();
    Instant since = trouble ? (troubleSince == null ? now : troubleSince) : null;
    if (entry != null && !Objects.equals(since, troubleSince)) {
      watched.computeIfPresent(
          record.key(),
          (k, old) -> new Watched(old.status, old.vanishedPolls, old.recordVersion, since));
    }
    TopologyConditions.Evaluation evaluation =
        TopologyConditions.evaluate(record, observed, announced, since, now, degradedAfter);
    if (!evaluation.changes(record) && !(record.isSettling() && evaluation.ready())) {
      return;
    }
    try (TopologyLocks.Held ignored = locks.acquire(record.key(), Duration.ZERO)) {
      Optional<TopologyRecord> fresh = topologies.read(record.key());
      if (fresh.isEmpty()
          || !judged(fresh.get())
          || !fresh.get().topologyId().equals(record.topologyId())) {
        return;
      }
      TopologyRecord current = fresh.get();
      TopologyConditions.Evaluation again =
          TopologyConditions.evaluate(current, observed, announced, since, now, degradedAfter);
      TopologyRecord judgedRecord = current.withConditions(again.conditions());
      boolean settles = current.isSettling() && again.ready();
      if (settles) {
        judgedRecord =
            judgedRecord.settling(current.settlesTo(), null, now, current.lastOperationId());
      } else if (!again.changes(current)) {
        return;
      }
      TopologyRecord written = topologies.update(judgedRecord);
      // Its own write does not restart the count of polls that saw the job gone.
      watched.computeIfPresent(
          written.key(),
          (k, old) ->
              old.recordVersion == current.version()
                  ? new Watched(old.status, old.vanishedPolls, written.version(), old.troubleSince)
                  : old);
      if (settles) {
        log.info(
            "status topology={} operation={} outcome={}: every task runs and the topology manager is up",
            written.key().path(),
            written.lastOperationId(),
            written.state());
      }
    } catch (BusyException busy) {
      // An operation holds the topology: judged again on the next poll.
    } catch (ControlPlaneException e) {
      log.debug("Could not record the conditions of {}: {}", record.key(), e.getMessage());
    }
  }

  /** Topologies whose conditions are judged: no operation in flight, not FAILED. */
  private static boolean judged(TopologyRecord record) {
    return record.state() == TopologyState.RUNNING
        || record.state() == TopologyState.PAUSED
        || record.isSettling();
  }

  private String heronRoot(String cluster) {
    return clusterDirectory.heronCluster(cluster).heronRoot();
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
    // The answer shows the tasks as they were at least at this time.
    Instant asked = clock.instant();
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
            (k, old) ->
                new Watched(
                    current(old, record).failed(error, at),
                    0,
                    record.version(),
                    old == null ? null : old.troubleSince));
      }
      return;
    }
    Instant at = asked;
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
                return new Watched(
                    status,
                    vanished,
                    record.version(),
                    old == null || !old.status.topologyId().equals(record.topologyId())
                        ? null
                        : old.troubleSince);
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
    return judged(record);
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
          seen.key(), (k, old) -> new Watched(old.status, 0, failed.version(), null));
      recordFailure(record, failed);
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

  /** The FAIL entry of the topology's history: who (the service), why, when. */
  private void recordFailure(TopologyRecord before, TopologyRecord failed) {
    TopologyRecord.Failure failure = failed.failure();
    try {
      Operation entry =
          operations.begin(
              Operation.start(
                  Operation.Verb.FAIL,
                  failed.key(),
                  Map.of("reason", failure.reason()),
                  SERVICE_PRINCIPAL,
                  failure.since(),
                  before.state(),
                  TopologyState.FAILED,
                  null));
      operations.complete(entry.failed(failure.since(), "dependency-failed", failure.message()));
    } catch (RuntimeException e) {
      log.warn("Could not add the FAIL entry to the history of {}: {}", failed.key(), e.toString());
    }
  }

  /**
   * An observation with how many consecutive polls saw no active task for the record at {@code
   * recordVersion}, and since when its tasks have been failing or throttled (null: they are not).
   */
  private record Watched(
      ObservedStatus status, int vanishedPolls, int recordVersion, Instant troubleSince) {}
}
