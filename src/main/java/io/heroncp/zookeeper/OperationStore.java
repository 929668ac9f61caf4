package io.heroncp.zookeeper;

import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.NotFoundException;
import io.heroncp.topology.IdempotencyKeyUsedException;
import io.heroncp.topology.Operation;
import io.heroncp.topology.OperationLog;
import io.heroncp.topology.Quarantine;
import io.heroncp.topology.RequestBounds;
import io.heroncp.topology.TopologyKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The record of every lifecycle {@link Operation} in ZooKeeper: what was asked, by whom, and how it
 * ended.
 *
 * <p>Layout under the service root:
 *
 * <ul>
 *   <li>{@code operations/<id>}: the operation (JSON); kept, also after its topology is killed,
 *       until {@link #pruneHistory} removes it with its history entry;
 *   <li>{@code history/<cluster>/<name>/op-<sequence>}: one entry per operation of that topology
 *       name, data = the operation id; ZooKeeper's sequence numbers give the order; kept after the
 *       topology is killed, so a later topology of the same name continues the same history;
 *       bounded by {@link #pruneHistory};
 *   <li>{@code quarantine/<id>}: an operation that could not be read back, set aside (see {@link
 *       #find});
 *   <li>{@code unfinished/<id>}: present exactly while the operation is RUNNING (the reconciler's
 *       index);
 *   <li>{@code idempotency/<sha256 hex of (key + "\n" + method + "\n" + path)>}: data = the
 *       operation id that owns a client's {@code Idempotency-Key}; entries expire after the TTL
 *       given to the constructor.
 * </ul>
 *
 * <p>Guarantees: {@link #begin} writes the operation, its history entry, its unfinished marker and
 * its idempotency entry in ONE ZooKeeper transaction (all or nothing); {@link #complete} is
 * conditional on the version read (no lost updates). Reads go to ZooKeeper directly (no cache):
 * they see every write that completed before they started. Thread-safe (no mutable state of its
 * own).
 */
public class OperationStore implements OperationLog {

  private static final Logger log = LoggerFactory.getLogger(OperationStore.class);
  private static final Pattern OPERATION_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9-]{0,63}$");

  private final CuratorFramework client;
  private final JsonMapper json;
  private final OperationPaths paths;
  private final IdempotencyIndex idempotency;
  private final OperationHistoryPruner pruner;
  private volatile Quarantine quarantine = Quarantine.NONE;

  /** Reads what the strict mapper refuses (e.g. names longer than its limit), for the key only. */
  private static final JsonMapper LENIENT =
      JsonMapper.builder(
              tools.jackson.core.json.JsonFactory.builder()
                  .streamReadConstraints(
                      tools.jackson.core.StreamReadConstraints.builder()
                          .maxNameLength(Integer.MAX_VALUE)
                          .maxStringLength(Integer.MAX_VALUE)
                          .maxNestingDepth(10_000)
                          .build())
                  .build())
          .build();

  private final Duration operationTimeout;

  /**
   * @param idempotencyTtl how long an {@code Idempotency-Key} keeps answering with its operation,
   *     measured from the creation of its entry (ZooKeeper's clock) against {@code clock}; e.g. 24
   *     hours
   */
  public OperationStore(
      CuratorFramework client,
      ZooKeeperProperties properties,
      JsonMapper json,
      Clock clock,
      Duration idempotencyTtl) {
    this.client = client;
    this.json = json;
    this.operationTimeout = properties.operationTimeout();
    this.paths = new OperationPaths(properties.root());
    this.idempotency = new IdempotencyIndex(client, paths, clock, idempotencyTtl);
    this.pruner = new OperationHistoryPruner(client, paths, idempotency, this::find);
  }

  /**
   * The idempotency scope of a request: its HTTP method and path, e.g. {@code scope("POST",
   * "/api/v1/topologies/c/r/e/n/restart")}. The same key on another method or path is another
   * entry.
   */
  public static String scope(String method, String path) {
    return method + "\n" + path;
  }

  /** Starts an operation without an idempotency entry; see {@link #begin(Operation, String)}. */
  public Operation begin(Operation operation) {
    return begin(operation, null);
  }

  /**
   * Records a RUNNING operation: creates {@code operations/<id>}, its history entry, its unfinished
   * marker and, when {@code operation.idempotencyKey()} is set, the idempotency entry for {@code
   * (key, scope)}, in one transaction. Atomic: either all exist afterwards or none. Of two
   * concurrent begins with the same key and scope exactly one succeeds; the other gets {@link
   * IdempotencyKeyUsedException} naming the winner. An entry older than the TTL that has not been
   * cleaned up yet is replaced, not honoured.
   *
   * @param idempotencyScope {@link #scope(String, String)} of the request; required when the
   *     operation has an idempotency key, ignored otherwise
   * @return the stored operation (version 0)
   * @throws IdempotencyKeyUsedException the key already belongs to a live operation
   * @throws ConflictException an operation with this id exists already
   * @throws DependencyUnavailableException ZooKeeper is not connected (nothing was written)
   */
  public Operation begin(Operation operation, String idempotencyScope) {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      String entry = checkStart(operation, idempotencyScope);
      String action = "recording the start of " + operation.verb() + " " + operation.key();
      requireConnected(action);
      try {
        for (int attempt = 1; ; attempt++) {
          List<CuratorOp> ops = startOps(operation, entry, false);
          try {
            try {
              client.transaction().forOperations(ops);
            } catch (KeeperException.NoNodeException missingParent) {
              // Parents (a new name's history directory) are created when first missing, not
              // checked per call (they are never removed).
              ensureStartParents(operation, entry);
              client.transaction().forOperations(ops);
            }
            log.debug(
                "Operation {} {} of {} started", operation.id(), operation.verb(), operation.key());
            // A create in a multi returns no Stat; a created node's version is always 0.
            return operation.withVersion(0);
          } catch (KeeperException.NodeExistsException e) {
            if (attempt >= 3) {
              throw e;
            }
            startConflict(operation, idempotencyScope, Transactions.failedPath(e, ops), e);
          }
        }
      } catch (ConflictException e) {
        throw e;
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, action, e);
      }
    }
  }

  /**
   * Checks an operation about to start (RUNNING, a well-formed id, a scope with its key).
   *
   * @return the path of its idempotency entry, or null when it has no key
   */
  String checkStart(Operation operation, String idempotencyScope) {
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
    requireOperationId(operation.id());
    return key == null ? null : paths.idempotencyEntry(key, idempotencyScope);
  }

  /**
   * The creates that start an operation, for a transaction: the operation, its unfinished marker,
   * its history entry (after its history directory when {@code createHistoryDir}) and its
   * idempotency {@code entry} (when not null).
   */
  List<CuratorOp> startOps(Operation operation, String entry, boolean createHistoryDir)
      throws Exception {
    String historyDir = paths.historyDir(operation.key());
    byte[] id = operation.id().getBytes(StandardCharsets.UTF_8);
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(create(paths.operation(operation.id()), serialize(operation)));
    ops.add(create(paths.unfinishedMarker(operation.id()), new byte[0]));
    if (createHistoryDir) {
      ops.add(create(historyDir, new byte[0]));
    }
    ops.add(
        client
            .transactionOp()
            .create()
            .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
            .forPath(historyDir + "/" + OperationPaths.HISTORY_PREFIX, id));
    if (entry != null) {
      ops.add(create(entry, id));
    }
    return ops;
  }

  private CuratorOp create(String path, byte[] data) throws Exception {
    return client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data);
  }

  /** Creates what a start transaction needs above its nodes, where missing. */
  void ensureStartParents(Operation operation, String entry) throws Exception {
    ensureExists(paths.operations);
    ensureExists(paths.unfinished);
    ensureExists(paths.historyDir(operation.key()));
    if (entry != null) {
      ensureExists(paths.idempotency);
    }
  }

  /**
   * What a start transaction's failed create means. Returns when the operation may start on a retry
   * (an expired idempotency entry was released).
   *
   * @param failedPath the node whose create failed, null when not known
   * @throws ConflictException the operation exists already
   * @throws IdempotencyKeyUsedException a live operation owns the idempotency key
   */
  void startConflict(
      Operation operation,
      String idempotencyScope,
      String failedPath,
      KeeperException.NodeExistsException e)
      throws Exception {
    String path = paths.operation(operation.id());
    if (path.equals(failedPath)
        || (failedPath == null && client.checkExists().forPath(path) != null)) {
      throw new ConflictException(
          "Operation " + operation.id() + " exists already; start it with a new id", null, e);
    }
    String key = operation.idempotencyKey();
    String entry = key == null ? null : paths.idempotencyEntry(key, idempotencyScope);
    if (entry == null || (failedPath != null && !failedPath.equals(entry))) {
      throw e;
    }
    idempotency.releaseExpiredOrRefuse(key, idempotencyScope, e);
  }

  /** The history directory of the operation's topology name. */
  String historyDir(Operation operation) {
    return paths.historyDir(operation.key());
  }

  /**
   * Records how an operation ended: writes it conditional on {@code operation.version()} (the
   * version {@link #begin} or {@link #find} returned) and removes its unfinished marker, in one
   * transaction.
   *
   * @param operation the ended operation ({@link Operation#succeeded}, {@link Operation#failed},
   *     {@link Operation#rolledBack})
   * @return the stored operation with its new version
   * @throws ConflictException the operation was changed since it was read (e.g. another replica
   *     completed it)
   * @throws NotFoundException the operation does not exist
   * @throws IllegalArgumentException the operation is still RUNNING
   */
  public Operation complete(Operation operation) {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      checkEnd(operation);
      String action = "recording the end of operation " + operation.id();
      requireConnected(action);
      try {
        for (int attempt = 1; ; attempt++) {
          // The marker is there unless a replica completed the operation before: try with it first.
          boolean withMarker = attempt == 1;
          List<CuratorOp> ops = endOps(operation, withMarker);
          try {
            List<CuratorTransactionResult> results = client.transaction().forOperations(ops);
            log.debug("Operation {} ended {}", operation.id(), operation.outcome());
            return operation.withVersion(results.get(0).getResultStat().getVersion());
          } catch (KeeperException.BadVersionException e) {
            throw changedConcurrently(operation, e);
          } catch (KeeperException.NoNodeException e) {
            if (!withMarker || !markerMissing(operation, Transactions.failedPath(e, ops))) {
              throw new NotFoundException(
                  "Operation " + operation.id() + " does not exist", null, e);
            }
            // No marker (already removed): try again without it.
          }
        }
      } catch (ConflictException | NotFoundException e) {
        throw e;
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, action, e);
      }
    }
  }

  /** Checks an operation about to be recorded as ended. */
  void checkEnd(Operation operation) {
    Objects.requireNonNull(operation, "operation");
    if (!operation.ended() || operation.endedAt() == null) {
      throw new IllegalArgumentException(
          "complete takes an ended operation with endedAt, got " + operation.outcome());
    }
    requireOperationId(operation.id());
  }

  /**
   * The writes that end an operation, for a transaction: the operation conditional on its version,
   * then (when {@code withMarker}) the removal of its unfinished marker.
   */
  List<CuratorOp> endOps(Operation operation, boolean withMarker) throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(
        client
            .transactionOp()
            .setData()
            .withVersion(operation.version())
            .forPath(paths.operation(operation.id()), serialize(operation)));
    if (withMarker) {
      ops.add(client.transactionOp().delete().forPath(paths.unfinishedMarker(operation.id())));
    }
    return ops;
  }

  /**
   * Whether an end transaction failed only because the unfinished marker is gone (a replica ended
   * the operation before); {@code failedPath} null when not known (then ZooKeeper is asked).
   */
  boolean markerMissing(Operation operation, String failedPath) throws Exception {
    if (failedPath != null) {
      return failedPath.equals(paths.unfinishedMarker(operation.id()));
    }
    return client.checkExists().forPath(paths.operation(operation.id())) != null;
  }

  static ConflictException changedConcurrently(Operation operation, Exception cause) {
    return new ConflictException(
        "Operation " + operation.id() + " was changed concurrently; read it and retry",
        null,
        cause);
  }

  /**
   * The operation with this id, read from ZooKeeper; empty when there is none (or the id is
   * malformed).
   */
  public Optional<Operation> find(String id) {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      if (id == null || !OPERATION_ID.matcher(id).matches()) {
        return Optional.empty();
      }
      ZooKeeperFailures.requireConnected(client, "reading operation " + id);
      try {
        Stat stat = new Stat();
        byte[] data = client.getData().storingStatIn(stat).forPath(paths.operation(id));
        try {
          ObjectNode tree = (ObjectNode) json.readTree(data);
          tree.put("version", stat.getVersion());
          return Optional.of(json.treeToValue(tree, Operation.class));
        } catch (RuntimeException unreadable) {
          quarantine(id, data, stat, unreadable);
          return Optional.empty();
        }
      } catch (KeeperException.NoNodeException e) {
        return Optional.empty();
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, "reading operation " + id, e);
      }
    }
  }

  /**
   * Every operation of topologies named {@code name} in {@code cluster} (any role and environment,
   * also killed ones), newest first (by start order in ZooKeeper). One read per operation.
   */
  public List<Operation> history(String cluster, String name) {
    return history(cluster, name, Integer.MAX_VALUE);
  }

  /** The newest {@code limit} operations of {@link #history(String, String)}. */
  public List<Operation> history(String cluster, String name, int limit) {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      String dir = paths.historyDir(cluster, name);
      ZooKeeperFailures.requireConnected(client, "reading the history of " + cluster + "/" + name);
      try {
        List<String> entries = new ArrayList<>(OperationPaths.historyEntries(client, dir));
        java.util.Collections.reverse(entries);
        List<Operation> operations = new ArrayList<>();
        for (String child : entries) {
          if (operations.size() >= limit) {
            break;
          }
          try {
            String id =
                new String(client.getData().forPath(dir + "/" + child), StandardCharsets.UTF_8);
            find(id).ifPresent(operations::add);
          } catch (KeeperException.NoNodeException removed) {
            // removed by hand meanwhile
          }
        }
        return operations;
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(
            client, "reading the history of " + cluster + "/" + name, e);
      }
    }
  }

  /**
   * Every operation still RUNNING, oldest first: those in flight on some replica and those whose
   * replica died before it ended them. The reconciler tells them apart (e.g. by the topology lock)
   * and completes them.
   */
  public List<Operation> unfinished() {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      ZooKeeperFailures.requireConnected(client, "listing unfinished operations");
      try {
        List<String> ids;
        try {
          ids = client.getChildren().forPath(paths.unfinished);
        } catch (KeeperException.NoNodeException e) {
          return List.of();
        }
        List<Operation> operations = new ArrayList<>();
        for (String id : ids) {
          find(id).filter(op -> !op.ended()).ifPresent(operations::add);
        }
        operations.sort(Comparator.comparing(Operation::startedAt));
        return operations;
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, "listing unfinished operations", e);
      }
    }
  }

  /**
   * The operation that owns {@code idempotencyKey} for {@code scope} ({@link #scope(String,
   * String)}), unless its entry is older than the TTL or the operation is gone. A read; changes
   * nothing.
   */
  public Optional<Operation> findByIdempotencyKey(String idempotencyKey, String scope) {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      ZooKeeperFailures.requireConnected(client, "reading an idempotency key");
      try {
        return idempotency.owner(idempotencyKey, scope).flatMap(this::find);
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, "reading an idempotency key", e);
      }
    }
  }

  /**
   * Removes every idempotency entry created more than the TTL ago (by ZooKeeper's creation time,
   * compared with this store's clock, so clock skew between ZooKeeper and this replica shifts the
   * expiry by as much). The operations themselves are kept. Idempotent and safe to run on several
   * replicas at once (each delete is conditional on the version read); meant to run periodically on
   * the leader.
   *
   * @return how many entries this call removed
   */
  public int removeExpiredIdempotencyEntries() {
    try {
      return idempotency.removeExpired();
    } catch (Exception e) {
      throw ZooKeeperFailures.translate(client, "removing expired idempotency entries", e);
    }
  }

  /**
   * Bounds the history: for each topology name keeps the newest {@code keep} entries and removes
   * older ones, each together with its operation in one transaction, oldest first. An old operation
   * stays (and so does everything newer than it in that history) while it is RUNNING or ended less
   * than the idempotency TTL ago, so a client retrying with its {@code Idempotency-Key} still gets
   * the first outcome. Idempotent and safe on several replicas at once (a delete that lost a race
   * is skipped); meant to run periodically on the leader.
   *
   * @param keep how many entries each topology name keeps at least (&ge; 1)
   * @return how many operations this call removed
   */
  public int pruneHistory(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got " + keep);
    }
    try {
      return pruner.prune(keep);
    } catch (Exception e) {
      throw ZooKeeperFailures.translate(client, "pruning operation history", e);
    }
  }

  /** Where this store sets unreadable operations aside (see {@link #find}). */
  public void setQuarantine(Quarantine quarantine) {
    this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
  }

  /**
   * Sets an operation that cannot be read aside: moves it to {@code quarantine/operations/<id>} and
   * drops its unfinished marker in one transaction (so the reconciler, histories and replays skip
   * it from now on), then tells the {@link Quarantine}. Safe on several replicas at once: the loser
   * of a race finds the node gone.
   */
  private void quarantine(String id, byte[] data, Stat stat, RuntimeException unreadable)
      throws Exception {
    String reason =
        unreadable.getClass().getSimpleName() + ": " + abbreviate(unreadable.getMessage());
    String target = paths.quarantine + "/" + id;
    ensureExists(paths.quarantine);
    boolean moved = false;
    boolean unfinished = false;
    for (boolean withMarker : new boolean[] {true, false}) {
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(
          client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(target, data));
      ops.add(
          client
              .transactionOp()
              .delete()
              .withVersion(stat.getVersion())
              .forPath(paths.operation(id)));
      if (withMarker) {
        ops.add(client.transactionOp().delete().forPath(paths.unfinishedMarker(id)));
      }
      try {
        client.transaction().forOperations(ops);
        moved = true;
        unfinished = withMarker;
        break;
      } catch (KeeperException.NoNodeException e) {
        if (client.checkExists().forPath(paths.operation(id)) == null) {
          return; // another replica set it aside first
        }
      } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
        return; // set aside (or rewritten) by another replica meanwhile
      }
    }
    if (moved) {
      quarantine.quarantined(
          new Quarantine.Unreadable("operation", id, keyOf(data), reason, unfinished));
    }
  }

  /** The topology of an unreadable operation, read leniently; null when even that fails. */
  private static TopologyKey keyOf(byte[] data) {
    try {
      tools.jackson.databind.JsonNode key = LENIENT.readTree(data).get("key");
      if (key == null) {
        return null;
      }
      TopologyKey parsed =
          new TopologyKey(
              key.get("cluster").asString(),
              key.get("role").asString(),
              key.get("environment").asString(),
              key.get("name").asString());
      RequestBounds.identifier("cluster", parsed.cluster());
      RequestBounds.identifier("role", parsed.role());
      RequestBounds.identifier("environment", parsed.environment());
      RequestBounds.identifier("name", parsed.name());
      return parsed;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String abbreviate(String message) {
    if (message == null) {
      return "";
    }
    String line = message.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private void ensureExists(String path) throws Exception {
    if (client.checkExists().forPath(path) == null) {
      try {
        // Persistent, not containers: an emptied container could vanish between this check and the
        // transaction.
        client.create().creatingParentsIfNeeded().forPath(path);
      } catch (KeeperException.NodeExistsException raced) {
        // another request created it first
      }
    }
  }

  private static void requireOperationId(String id) {
    if (!OPERATION_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "operation id must be a UUID-like token, got '" + id + "'");
    }
  }

  /** The operation's JSON without its version: the node's own version is the truth. */
  private byte[] serialize(Operation operation) {
    ObjectNode tree = json.valueToTree(operation);
    tree.remove("version");
    return NodeSizes.check(
        json.writeValueAsBytes(tree), "The record of this operation", largestField(operation));
  }

  /** The request field behind the operation's largest parameter (the form field's name). */
  private static String largestField(Operation operation) {
    return operation.parameters().entrySet().stream()
        .max(
            java.util.Comparator.comparingInt(
                (java.util.Map.Entry<String, String> e) ->
                    e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length())))
        .map(
            e ->
                e.getKey().startsWith("component_parallelism.")
                    ? "component_parallelism"
                    : e.getKey())
        .orElse("request");
  }

  private void requireConnected(String action) {
    ZooKeeperFailures.requireConnected(client, action);
  }
}
