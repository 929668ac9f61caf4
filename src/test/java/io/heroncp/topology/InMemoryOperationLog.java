package io.heroncp.topology;

import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The operation store's contract (see {@code zookeeper.OperationStore}) in memory: {@code begin}
 * records the operation, its history entry, its unfinished marker and its idempotency entry at
 * once, refusing a key (per scope) that a live entry holds with {@link IdempotencyKeyUsedException}
 * naming the owner, and replacing an expired one; {@code complete} is compare-and-set on the
 * version and removes the marker; writes while disconnected change nothing (503).
 */
final class InMemoryOperationLog implements OperationLog {

  private record Entry(String operationId, Instant created) {}

  final Faults faults = new Faults();
  private final Clock clock;
  private final Duration idempotencyTtl;
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final Map<String, List<String>> history = new HashMap<>();
  private final Set<String> unfinished = new LinkedHashSet<>();
  private final Map<String, Entry> idempotency = new HashMap<>();
  private boolean connected = true;

  InMemoryOperationLog(Clock clock, Duration idempotencyTtl) {
    this.clock = clock;
    this.idempotencyTtl = idempotencyTtl;
  }

  @Override
  public Operation begin(Operation operation) {
    return begin(operation, null);
  }

  @Override
  public synchronized Operation begin(Operation operation, String idempotencyScope) {
    Objects.requireNonNull(operation, "operation");
    if (operation.outcome() != Operation.Outcome.RUNNING || operation.endedAt() != null) {
      throw new IllegalArgumentException(
          "begin takes a RUNNING operation, got " + operation.outcome());
    }
    String key = operation.idempotencyKey();
    if (key != null && idempotencyScope == null) {
      throw new IllegalArgumentException(
          "an operation with an idempotency key needs its scope (method and path)");
    }
    requireConnected("begin");
    faults.before("begin");
    if (operations.containsKey(operation.id())) {
      throw new ConflictException(
          "Operation " + operation.id() + " exists already; start it with a new id");
    }
    if (key != null) {
      Entry entry = idempotency.get(key + "\n" + idempotencyScope);
      if (entry != null && !expired(entry)) {
        throw new IdempotencyKeyUsedException(
            "Idempotency-Key '" + key + "' was already used by operation " + entry.operationId(),
            entry.operationId(),
            null);
      }
      idempotency.put(key + "\n" + idempotencyScope, new Entry(operation.id(), clock.instant()));
    }
    Operation stored = operation.withVersion(0);
    operations.put(stored.id(), stored);
    unfinished.add(stored.id());
    history.computeIfAbsent(historyKey(stored.key()), k -> new ArrayList<>()).add(stored.id());
    faults.after("begin");
    return stored;
  }

  @Override
  public synchronized Operation complete(Operation operation) {
    Objects.requireNonNull(operation, "operation");
    if (!operation.ended() || operation.endedAt() == null) {
      throw new IllegalArgumentException(
          "complete takes an ended operation with endedAt, got " + operation.outcome());
    }
    requireConnected("complete");
    faults.before("complete");
    Operation stored = operations.get(operation.id());
    if (stored == null) {
      throw new NotFoundException("Operation " + operation.id() + " does not exist");
    }
    if (stored.version() != operation.version()) {
      throw new ConflictException(
          "Operation " + operation.id() + " was changed concurrently; read it and retry");
    }
    Operation completed = operation.withVersion(operation.version() + 1);
    operations.put(completed.id(), completed);
    unfinished.remove(completed.id());
    faults.after("complete");
    return completed;
  }

  @Override
  public synchronized Optional<Operation> find(String id) {
    return Optional.ofNullable(id == null ? null : operations.get(id));
  }

  @Override
  public List<Operation> history(String cluster, String name) {
    return history(cluster, name, Integer.MAX_VALUE);
  }

  @Override
  public synchronized List<Operation> history(String cluster, String name, int limit) {
    List<String> ids = new ArrayList<>(history.getOrDefault(cluster + "/" + name, List.of()));
    java.util.Collections.reverse(ids);
    return ids.stream().limit(limit).map(operations::get).toList();
  }

  @Override
  public synchronized List<Operation> unfinished() {
    return unfinished.stream()
        .map(operations::get)
        .filter(op -> !op.ended())
        .sorted(Comparator.comparing(Operation::startedAt))
        .toList();
  }

  @Override
  public synchronized Optional<Operation> findByIdempotencyKey(
      String idempotencyKey, String scope) {
    Entry entry = idempotency.get(idempotencyKey + "\n" + scope);
    if (entry == null || expired(entry)) {
      return Optional.empty();
    }
    return find(entry.operationId());
  }

  synchronized void connected(boolean now) {
    connected = now;
  }

  /** Every operation, oldest first. */
  synchronized List<Operation> all() {
    return List.copyOf(operations.values());
  }

  /** The only operation of a verb; fails the test when there is none or more than one. */
  synchronized Operation only(Operation.Verb verb) {
    List<Operation> matching =
        operations.values().stream().filter(op -> op.verb() == verb).toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one " + verb + " operation, found " + matching);
    }
    return matching.get(0);
  }

  private boolean expired(Entry entry) {
    return !entry.created().plus(idempotencyTtl).isAfter(clock.instant());
  }

  private void requireConnected(String call) {
    if (!connected) {
      throw new DependencyUnavailableException(
          "ZooKeeper is not connected; nothing was changed while " + call + ". Retry later");
    }
  }

  private static String historyKey(TopologyKey key) {
    return key.cluster() + "/" + key.name();
  }
}
