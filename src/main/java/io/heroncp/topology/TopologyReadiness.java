package io.heroncp.topology;

import io.heroncp.problems.NotReadyException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Lets a verb that needs the topology manager wait, without holding the topology's lock, while the
 * topology is not ready: STARTING, RESTARTING or UPDATING after its operation ended, or its {@code
 * TopologyManagerReady} condition is False (the topology manager's location is gone, e.g. while
 * Aurora reschedules container 0). Woken by the record cache when the status watcher records it
 * ready (or FAILED, or gone), never by polling. Thread-safe.
 */
public class TopologyReadiness implements TopologyRepository.RecordListener {

  private final TopologyRepository topologies;
  private final Duration wait;
  private final long retryAfterSeconds;
  private final Map<TopologyKey, List<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();

  /**
   * @param wait how long a verb waits at most ({@code heroncp.operations.topology-manager-wait})
   * @param retryAfter what a refusal after the wait advises ({@code Retry-After})
   */
  public TopologyReadiness(TopologyRepository topologies, Duration wait, Duration retryAfter) {
    this.topologies = topologies;
    this.wait = wait;
    this.retryAfterSeconds = Math.max(1, retryAfter.toSeconds());
    topologies.addListener(this);
  }

  /** How long {@link #await} waits at most. */
  public Duration maxWait() {
    return wait;
  }

  /** Whether the cached record of {@code key} is not ready (a verb needing it ready would wait). */
  public boolean settling(TopologyKey key) {
    return topologies.find(key).map(TopologyReadiness::waitsFor).orElse(false);
  }

  /** Whether a verb that needs the topology manager must wait for this topology. */
  static boolean waitsFor(TopologyRecord record) {
    boolean deployed =
        record.state() == TopologyState.RUNNING || record.state() == TopologyState.PAUSED;
    return record.isSettling()
        || (deployed
            && record
                .condition(TopologyConditions.TOPOLOGY_MANAGER_READY)
                .map(c -> TopologyConditions.FALSE.equals(c.status()))
                .orElse(false));
  }

  /**
   * Returns at once unless the topology is settling; then waits until it is not (ready, FAILED,
   * killed) for at most the configured wait.
   *
   * @throws NotReadyException (503, Retry-After) when the wait ended first, naming what is missing
   */
  public void await(TopologyKey key, Operation.Verb verb) {
    if (!TopologyTransitions.needsReady(verb)) {
      return;
    }
    CompletableFuture<Void> settled = new CompletableFuture<>();
    waiters.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(settled);
    try {
      Optional<TopologyRecord> current = topologies.find(key);
      if (current.isEmpty() || !waitsFor(current.get())) {
        return;
      }
      try {
        settled.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw notReady(key, verb);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw notReady(key, verb);
      }
    } finally {
      waiters.computeIfPresent(
          key,
          (k, list) -> {
            list.remove(settled);
            return list.isEmpty() ? null : list;
          });
    }
  }

  @Override
  public void changed(TopologyRecord previous, TopologyRecord current) {
    TopologyRecord any = current != null ? current : previous;
    if (any == null || (current != null && waitsFor(current))) {
      return;
    }
    List<CompletableFuture<Void>> list = waiters.get(any.key());
    if (list != null) {
      list.forEach(f -> f.complete(null));
    }
  }

  private NotReadyException notReady(TopologyKey key, Operation.Verb verb) {
    TopologyRecord record = topologies.find(key).orElse(null);
    String state = record == null ? "gone" : record.state().name();
    String missing =
        record == null
            ? ""
            : record.conditions().stream()
                .filter(c -> !TopologyConditions.TRUE.equals(c.status()))
                .filter(c -> !TopologyConditions.HEALTHY.equals(c.type()))
                .map(c -> c.type() + "=" + c.status() + " (" + c.message() + ")")
                .collect(Collectors.joining("; "));
    return new NotReadyException(
        verb.name().toLowerCase()
            + " needs the topology's tasks running and its topology manager up; "
            + key
            + " is still "
            + state
            + " after waiting "
            + wait.toSeconds()
            + " s"
            + (missing.isEmpty() ? "" : ": " + missing)
            + ". Nothing was recorded; retry later, or follow its events or GET it for its conditions",
        retryAfterSeconds);
  }
}
