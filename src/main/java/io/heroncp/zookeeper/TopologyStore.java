package io.heroncp.zookeeper;

import io.heroncp.heron.HeronStateNodes;
import io.heroncp.problems.ConflictException;
import io.heroncp.topology.Quarantine;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's topology records and Heron's state nodes in ZooKeeper.
 *
 * <p>Layout: records at {@code <root>/topologies/<cluster>/<name>} (JSON), so a name is unique per
 * cluster; Heron's nodes under each cluster's Heron root, in Heron's protobuf encoding (see {@link
 * HeronStateNodes}).
 *
 * <p>Guarantees: every method that writes changes the record and Heron's nodes in ONE ZooKeeper
 * transaction (all or nothing, one quorum round), and every change of an existing record is
 * conditional on the record's version (no lost updates: a concurrent change makes it fail with
 * {@link ConflictException}). Reads ({@link #find}, {@link #list}) come from a watched in-memory
 * cache, never one ZooKeeper read per call; they see this instance's own writes at once and other
 * replicas' writes within the watch latency.
 */
public class TopologyStore implements TopologyRepository, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopologyStore.class);

  private final CuratorFramework client;
  private final ZooKeeperProperties properties;
  private final JsonMapper json;
  private final String recordsRoot;

  /** The cached records in cluster/name order (the list's order; a page is a walk from a key). */
  private final ConcurrentSkipListMap<TopologyName, Cached> cache = new ConcurrentSkipListMap<>();

  /** czxids of record nodes this instance saw deleted: late cache events for them are ignored. */
  private final Set<Long> deleted = ConcurrentHashMap.newKeySet();

  private final List<RecordListener> listeners = new CopyOnWriteArrayList<>();
  private final Object changes = new Object();

  /** Reads at most this many records at once during a full load (bounds the memory of a load). */
  private static final int READS_IN_FLIGHT = 1000;

  private ScheduledExecutorService events;
  private PersistentWatcher watcher;
  private final CountDownLatch loaded = new CountDownLatch(1);
  private volatile Quarantine quarantine = Quarantine.NONE;

  /** Told about records the cache cannot read (they are left out of it). */
  public void setQuarantine(Quarantine quarantine) {
    this.quarantine = quarantine;
  }

  public TopologyStore(CuratorFramework client, ZooKeeperProperties properties, JsonMapper json) {
    this.client = client;
    this.properties = properties;
    this.json = json;
    this.recordsRoot = properties.root() + "/topologies";
  }

  /**
   * Starts watching the records and loads them all; waits (bounded by the connection timeout) for
   * that first full load, so reads are complete when the service starts serving. Until it is done
   * {@link #loaded()} is false (readiness reports it, the package sweep keeps every package).
   */
  public void start() throws InterruptedException {
    events =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "topology-records");
              thread.setDaemon(true);
              return thread;
            });
    // The watch first, then the listing: a change made after the listing is an event.
    watcher = new PersistentWatcher(client, recordsRoot, true);
    watcher.getListenable().addListener(this::watched);
    watcher.getResetListenable().addListener(() -> submit(this::resync));
    watcher.start();
    if (!loaded.await(properties.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn(
          "Topology records not loaded from ZooKeeper yet; readiness reports DOWN until they are");
    }
  }

  /** Whether every record is in the cache (its first full load is done). */
  @Override
  public boolean loaded() {
    return loaded.getCount() == 0;
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    if (events != null) {
      events.shutdownNow();
    }
  }

  /** The record of a topology by cluster and name, if any, from the cache. */
  public Optional<TopologyRecord> find(String cluster, String name) {
    Cached cached = cache.get(new TopologyName(cluster, name));
    return cached == null ? Optional.empty() : Optional.of(cached.record);
  }

  /** The record for this exact key (role and environment must match too), from the cache. */
  public Optional<TopologyRecord> find(TopologyKey key) {
    return find(key.cluster(), key.name()).filter(r -> r.key().equals(key));
  }

  /** All records, ordered by cluster and name, from the cache. */
  public List<TopologyRecord> list() {
    List<TopologyRecord> all = new ArrayList<>(cache.size());
    cache.values().forEach(c -> all.add(c.record));
    return all;
  }

  /**
   * From the cache, walking the ordered index from just after {@code afterCluster/afterName}: the
   * first {@code limit} records that match. Costs the records walked, not the records stored.
   */
  @Override
  public List<TopologyRecord> page(
      String afterCluster, String afterName, int limit, Predicate<TopologyRecord> filter) {
    Map<TopologyName, Cached> rest =
        afterCluster == null
            ? cache
            : cache.tailMap(new TopologyName(afterCluster, afterName), false);
    List<TopologyRecord> page = new ArrayList<>(Math.min(limit, 1024));
    for (Cached c : rest.values()) {
      if (page.size() >= limit) {
        break;
      }
      if (filter.test(c.record)) {
        page.add(c.record);
      }
    }
    return page;
  }

  /**
   * Reads the record straight from ZooKeeper (not the cache), with its current version: what a
   * mutation holding the topology's lock must start from.
   */
  public Optional<TopologyRecord> read(TopologyKey key) {
    try (CallBudget budget = CallBudget.open(properties.operationTimeout())) {
      String path = recordPath(key.cluster(), key.name());
      ZooKeeperFailures.requireConnected(client, "reading " + key);
      try {
        Stat stat = new Stat();
        byte[] data = client.getData().storingStatIn(stat).forPath(path);
        TopologyRecord record =
            json.readValue(data, TopologyRecord.class).withVersion(stat.getVersion());
        put(path, new Cached(record, stat.getCzxid(), stat.getVersion()));
        return Optional.of(record).filter(r -> r.key().equals(key));
      } catch (KeeperException.NoNodeException e) {
        return Optional.empty();
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, "reading " + key, e);
      }
    }
  }

  /**
   * Writes the record and replaces Heron's packing plan of the topology in one transaction
   * conditional on the record's version (an update's new plan). Atomic, versioned.
   */
  public TopologyRecord updateWithPackingPlan(
      TopologyRecord record, HeronStateNodes heron, byte[] packingPlan) {
    try (CallBudget budget = CallBudget.open(properties.operationTimeout())) {
      requireConnected("updating the packing plan of " + record.key());
      try {
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(setRecordOp(record));
        ops.add(
            client
                .transactionOp()
                .setData()
                .forPath(
                    heron.paths().packingPlan(heron.name()),
                    NodeSizes.check(
                        packingPlan,
                        "The packing plan of " + record.key(),
                        "component_parallelism")));
        List<CuratorTransactionResult> results = client.transaction().forOperations(ops);
        return remember(record, results.get(0).getResultStat());
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
        throw new ConflictException(
            "Topology " + record.key() + " was changed concurrently; read it and retry", null, e);
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(
            client, "updating the packing plan of " + record.key(), e);
      }
    }
  }

  /** Whether any record references the package with this digest (cache; true until loaded). */
  @Override
  public boolean isPackageReferenced(String sha256) {
    return !loaded()
        || cache.values().stream()
            .anyMatch(
                c ->
                    c.record.topologyPackage() != null
                        && sha256.equals(c.record.topologyPackage().sha256()));
  }

  /**
   * Records a new submission: creates the record and Heron's {@code topologies}, {@code
   * packingplans} and {@code executionstate} nodes in one transaction. Atomic; of two concurrent
   * submissions of the same name in one cluster exactly one succeeds, the other gets {@link
   * ConflictException}.
   */
  public TopologyRecord createSubmission(TopologyRecord record, HeronStateNodes heron) {
    try (CallBudget budget = CallBudget.open(properties.operationTimeout())) {
      TopologyKey key = record.key();
      requireConnected("recording the submission of " + key);
      try {
        List<CuratorOp> ops = submissionOps(record, heron);
        try {
          client.transaction().forOperations(ops);
        } catch (KeeperException.NoNodeException missingParent) {
          // Parents are created when first missing, not checked per call (containers may vanish).
          ensureSubmissionParents(record, heron);
          client.transaction().forOperations(ops);
        }
        // A create in a multi returns no Stat; the record's identity (czxid) is needed for the
        // cache.
        return remember(
            record, client.checkExists().forPath(recordPath(key.cluster(), key.name())));
      } catch (KeeperException.NodeExistsException e) {
        throw nameTaken(key, heron, e);
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, "recording the submission of " + key, e);
      }
    }
  }

  /** The creates of a new submission, for a transaction: the record, then Heron's nodes. */
  List<CuratorOp> submissionOps(TopologyRecord record, HeronStateNodes heron) throws Exception {
    TopologyKey key = record.key();
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(
        client
            .transactionOp()
            .create()
            .withMode(CreateMode.PERSISTENT)
            .forPath(recordPath(key.cluster(), key.name()), serialize(record)));
    ops.addAll(HeronStateOps.createSubmitNodes(client, heron));
    return ops;
  }

  /** Creates the parents of a submission's nodes where missing (once per cluster and root). */
  void ensureSubmissionParents(TopologyRecord record, HeronStateNodes heron) throws Exception {
    ensureParents(recordPath(record.key().cluster(), record.key().name()), heron);
  }

  /** Whether {@code path} is the record's node of the topology. */
  boolean isRecordPath(TopologyKey key, String path) {
    return recordPath(key.cluster(), key.name()).equals(path);
  }

  /** The 409 for a name that is taken in the cluster (by a record or stale Heron state). */
  ConflictException nameTaken(TopologyKey key, HeronStateNodes heron, Exception cause) {
    return new ConflictException(existsMessage(key, heron), "name", cause);
  }

  /** The 409 for a record changed since it was read. */
  static ConflictException changedConcurrently(TopologyKey key, Exception cause) {
    return new ConflictException(
        "Topology " + key + " was changed concurrently; read it and retry", null, cause);
  }

  /**
   * Completes a launch: writes the record's new state and creates Heron's {@code schedulers} node,
   * in one transaction conditional on the record's version.
   */
  public TopologyRecord completeLaunch(
      TopologyRecord record, HeronStateNodes heron, byte[] schedulerLocation) {
    try (CallBudget budget = CallBudget.open(properties.operationTimeout())) {
      requireConnected("completing the launch of " + record.key());
      try {
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(setRecordOp(record));
        ops.add(HeronStateOps.createSchedulerLocation(client, heron, schedulerLocation));
        List<CuratorTransactionResult> results;
        try {
          results = client.transaction().forOperations(ops);
        } catch (KeeperException.NodeExistsException located) {
          // Heron's scheduler location is there already (a reconciler finishing the launch): keep
          // it.
          results = client.transaction().forOperations(List.of(setRecordOp(record)));
        }
        return remember(record, results.get(0).getResultStat());
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
        throw new ConflictException(
            "Topology " + record.key() + " was changed concurrently; read it and retry", null, e);
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, "completing the launch of " + record.key(), e);
      }
    }
  }

  /** Writes a record conditional on its version. Atomic, versioned. */
  public TopologyRecord update(TopologyRecord record) {
    try (CallBudget budget = CallBudget.open(properties.operationTimeout())) {
      requireConnected("updating " + record.key());
      try {
        List<CuratorTransactionResult> results =
            client.transaction().forOperations(List.of(setRecordOp(record)));
        return remember(record, results.get(0).getResultStat());
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
        throw new ConflictException(
            "Topology " + record.key() + " was changed concurrently; read it and retry", null, e);
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, "updating " + record.key(), e);
      }
    }
  }

  /**
   * Removes the record and every Heron state node of the topology that exists, in Heron's kill
   * order, in one transaction conditional on the record's version. Missing Heron nodes are skipped
   * (as Heron's kill does); {@code statefulcheckpoints} is kept, as Heron keeps it. Used by kill
   * and by a failed launch's rollback.
   */
  public void delete(TopologyRecord record, HeronStateNodes heron) {
    try (CallBudget budget = CallBudget.open(properties.operationTimeout())) {
      requireConnected("removing the state of " + record.key());
      String path = recordPath(record.key().cluster(), record.key().name());
      for (int attempt = 1; ; attempt++) {
        try {
          List<CuratorOp> ops = new ArrayList<>();
          for (String node : HeronStateOps.existingForRemoval(client, heron)) {
            ops.add(client.transactionOp().delete().forPath(node));
          }
          ops.add(client.transactionOp().delete().withVersion(record.version()).forPath(path));
          client.transaction().forOperations(ops);
          forget(path);
          return;
        } catch (KeeperException.NoNodeException | KeeperException.NotEmptyException e) {
          // A Heron node vanished or gained a child between listing and deleting: list again.
          if (attempt >= 3) {
            throw ZooKeeperFailures.translate(client, "removing the state of " + record.key(), e);
          }
        } catch (KeeperException.BadVersionException e) {
          throw new ConflictException(
              "Topology " + record.key() + " was changed concurrently; read it and retry", null, e);
        } catch (Exception e) {
          throw ZooKeeperFailures.translate(client, "removing the state of " + record.key(), e);
        }
      }
    }
  }

  /** Reads one node directly from ZooKeeper (not cached), e.g. a Heron state node. */
  public Optional<byte[]> read(String path) {
    try (CallBudget budget = CallBudget.open(properties.operationTimeout())) {
      ZooKeeperFailures.requireConnected(client, "reading " + path);
      try {
        return Optional.of(client.getData().forPath(path));
      } catch (KeeperException.NoNodeException e) {
        return Optional.empty();
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, "reading " + path, e);
      }
    }
  }

  @Override
  public Optional<byte[]> heronTopology(HeronStateNodes heron) {
    return read(heron.paths().topology(heron.name()));
  }

  @Override
  public Optional<byte[]> heronPackingPlan(HeronStateNodes heron) {
    return read(heron.paths().packingPlan(heron.name()));
  }

  /** Whether the client is connected to ZooKeeper now. */
  public boolean connected() {
    return client.getZookeeperClient().isConnected();
  }

  private void requireConnected(String action) {
    ZooKeeperFailures.requireConnected(client, action);
  }

  private String existsMessage(TopologyKey key, HeronStateNodes heron) {
    Optional<TopologyRecord> existing = find(key.cluster(), key.name());
    if (existing.isPresent()) {
      return "Topology '"
          + key.name()
          + "' already exists in cluster "
          + key.cluster()
          + " (as "
          + existing.get().key()
          + "); kill it first or choose another name";
    }
    return "Topology '"
        + key.name()
        + "' already exists in cluster "
        + key.cluster()
        + " (stale Heron state at "
        + heron.paths().topology(key.name())
        + "); kill it first or choose another name";
  }

  private void ensureParents(String recordPath, HeronStateNodes heron) throws Exception {
    List<String> parents = new ArrayList<>(heron.submitDirectories());
    parents.add(0, recordPath.substring(0, recordPath.lastIndexOf('/')));
    for (String parent : parents) {
      if (client.checkExists().forPath(parent) == null) {
        try {
          client.create().creatingParentContainersIfNeeded().forPath(parent);
        } catch (KeeperException.NodeExistsException raced) {
          // another request created it first
        }
      }
    }
  }

  CuratorOp setRecordOp(TopologyRecord record) throws Exception {
    return client
        .transactionOp()
        .setData()
        .withVersion(record.version())
        .forPath(recordPath(record.key().cluster(), record.key().name()), serialize(record));
  }

  private String recordPath(String cluster, String name) {
    return recordsRoot + "/" + cluster + "/" + name;
  }

  private byte[] serialize(TopologyRecord record) {
    return NodeSizes.check(
        json.writeValueAsBytes(record), "The record of " + record.key(), "overrides");
  }

  TopologyRecord remember(TopologyRecord record, Stat stat) {
    TopologyRecord stored = record.withVersion(stat.getVersion());
    String path = recordPath(record.key().cluster(), record.key().name());
    put(path, new Cached(stored, stat.getCzxid(), stat.getVersion()));
    return stored;
  }

  private void forget(String path) {
    synchronized (changes) {
      Cached removed = cache.remove(nameOf(path));
      if (removed != null) {
        deleted.add(removed.czxid);
        notifyListeners(removed.record, null);
      }
    }
  }

  @Override
  public void addListener(RecordListener listener) {
    listeners.add(listener);
  }

  /**
   * Keeps the newer of the cached and the given entry; listeners hear of a change once, in order
   * (changes are serialized, so a replica's own write and its later watch event never reorder).
   */
  private void put(String path, Cached candidate) {
    synchronized (changes) {
      Cached before = cache.get(nameOf(path));
      Cached after = before == null ? candidate : Cached.newer(before, candidate);
      if (after == before) {
        return;
      }
      cache.put(nameOf(path), after);
      notifyListeners(before == null ? null : before.record, after.record);
    }
  }

  private void remove(String path, long czxid) {
    synchronized (changes) {
      Cached before = cache.get(nameOf(path));
      if (before != null && before.czxid == czxid) {
        cache.remove(nameOf(path));
        notifyListeners(before.record, null);
      }
    }
  }

  private void notifyListeners(TopologyRecord previous, TopologyRecord current) {
    for (RecordListener listener : listeners) {
      try {
        listener.changed(previous, current);
      } catch (RuntimeException e) {
        log.warn("A topology record listener failed: {}", e.toString());
      }
    }
  }

  private void watched(WatchedEvent event) {
    String path = event.getPath();
    if (path == null || !path.startsWith(recordsRoot + "/")) {
      return;
    }
    if (isRecordPath(path)) {
      switch (event.getType()) {
        case NodeCreated, NodeDataChanged, NodeDeleted -> submit(() -> refresh(path));
        default -> {}
      }
    } else if (event.getType() == Watcher.Event.EventType.NodeDeleted
        && path.indexOf('/', recordsRoot.length() + 1) < 0) {
      submit(this::resync); // a cluster's directory went: whatever it held is gone too
    }
  }

  private void submit(Runnable task) {
    WatchTasks.submit(events, task, log, "Could not read topology records from ZooKeeper");
  }

  /**
   * After an event for one record: reads the record and its cluster directory in one read-only
   * transaction (one consistent point in time). A record there is kept if newer than the cached
   * one; a record missing while the directory's last child change (pzxid) is at or after the cached
   * one's creation means the cached one was deleted. A cached record created after that point (this
   * replica's own write, remembered meanwhile) is left alone.
   */
  private void refresh(String path) {
    String directory = path.substring(0, path.lastIndexOf('/'));
    List<OpResult> results;
    try {
      results =
          client
              .getZookeeperClient()
              .getZooKeeper()
              .multi(List.of(Op.getData(directory), Op.getData(path)));
    } catch (KeeperException e) {
      log.warn("Could not read {} after a change: {}", path, e.toString());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      throw ZooKeeperFailures.translate(client, "reading " + path, e);
    }
    if (results.get(1) instanceof OpResult.GetDataResult node) {
      loadedNode(path, node.getData(), node.getStat());
    } else if (results.get(0) instanceof OpResult.GetDataResult parent) {
      gone(path, parent.getStat().getPzxid());
    }
  }

  /** The cached record at {@code path} is removed if it was created at or before {@code zxid}. */
  private void gone(String path, long zxid) {
    synchronized (changes) {
      Cached cached = cache.get(nameOf(path));
      if (cached != null && cached.czxid <= zxid) {
        deleted.add(cached.czxid);
        remove(path, cached.czxid);
      }
    }
  }

  /** One record read from ZooKeeper: parsed and kept if newer than the cached one. */
  private void loadedNode(String path, byte[] data, Stat stat) {
    if (data == null || data.length == 0 || deleted.contains(stat.getCzxid())) {
      return;
    }
    Cached cached = cache.get(nameOf(path));
    if (cached != null
        && (cached.czxid > stat.getCzxid()
            || (cached.czxid == stat.getCzxid() && cached.version >= stat.getVersion()))) {
      return; // already known (this replica's own write, or read before), or older
    }
    if (cached != null && cached.czxid < stat.getCzxid()) {
      deleted.add(cached.czxid); // replaced by a newer node of the same name
    }
    try {
      TopologyRecord record =
          json.readValue(data, TopologyRecord.class).withVersion(stat.getVersion());
      put(path, new Cached(record, stat.getCzxid(), stat.getVersion()));
    } catch (RuntimeException e) {
      quarantine.quarantined(
          new Quarantine.Unreadable(
              "topology",
              path,
              null,
              e.getClass().getSimpleName() + " (left out of the cache and the lists)",
              false));
    }
  }

  /**
   * The full load, after the watch was (re)added (start, reconnection, a new session): lists every
   * cluster's records, removes cached ones that are gone (by the directories' pzxid, as {@link
   * #refresh}), and reads all records with pipelined asynchronous reads (at most {@link
   * #READS_IN_FLIGHT} outstanding), parsed on all cores. Fails as a whole on a connection loss and
   * runs again a second later (and after every reconnection).
   */
  private void resync() {
    if (!loadAll()) {
      try {
        events.schedule(() -> submit(this::resync), 1, TimeUnit.SECONDS);
      } catch (RejectedExecutionException closed) {
        // shutting down
      }
    }
  }

  private boolean loadAll() {
    ZooKeeper zooKeeper;
    List<String> paths = new ArrayList<>();
    try {
      zooKeeper = client.getZookeeperClient().getZooKeeper();
      Stat rootStat = new Stat();
      List<String> clusters;
      try {
        clusters = zooKeeper.getChildren(recordsRoot, false, rootStat);
      } catch (KeeperException.NoNodeException e) {
        clusters = List.of();
      }
      for (Cached cached : List.copyOf(cache.values())) {
        if (!clusters.contains(cached.record.key().cluster())) {
          gone(
              recordPath(cached.record.key().cluster(), cached.record.key().name()),
              rootStat.getPzxid());
        }
      }
      for (String cluster : clusters) {
        Stat clusterStat = new Stat();
        List<String> names;
        try {
          names = zooKeeper.getChildren(recordsRoot + "/" + cluster, false, clusterStat);
        } catch (KeeperException.NoNodeException e) {
          continue; // removed meanwhile: its deletion event resyncs again
        }
        Set<String> present = new java.util.HashSet<>(names);
        for (Cached cached :
            List.copyOf(
                cache
                    .subMap(
                        new TopologyName(cluster, ""),
                        true,
                        new TopologyName(cluster + "\0", ""),
                        false)
                    .values())) {
          if (!present.contains(cached.record.key().name())) {
            gone(recordPath(cluster, cached.record.key().name()), clusterStat.getPzxid());
          }
        }
        names.forEach(name -> paths.add(recordPath(cluster, name)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } catch (Exception e) {
      log.warn("Could not list topology records: {}; trying again in 1 s", e.toString());
      return false;
    }
    if (!readAll(zooKeeper, paths)) {
      return false;
    }
    if (!loaded()) {
      log.info("Loaded {} topology records from ZooKeeper", paths.size());
    }
    loaded.countDown();
    return true;
  }

  private boolean readAll(ZooKeeper zooKeeper, List<String> paths) {
    ExecutorService parsers =
        Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            runnable -> {
              Thread thread = new Thread(runnable, "topology-records-load");
              thread.setDaemon(true);
              return thread;
            });
    Semaphore inFlight = new Semaphore(READS_IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(paths.size());
    java.util.concurrent.atomic.AtomicReference<KeeperException.Code> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      for (String path : paths) {
        inFlight.acquire();
        zooKeeper.getData(
            path,
            false,
            (rc, readPath, ctx, data, stat) -> {
              inFlight.release();
              KeeperException.Code code = KeeperException.Code.get(rc);
              if (code == KeeperException.Code.OK) {
                parsers.execute(
                    () -> {
                      try {
                        loadedNode(readPath, data, stat);
                      } finally {
                        done.countDown();
                      }
                    });
                return;
              }
              if (code != KeeperException.Code.NONODE) { // a deletion meanwhile is an event
                failed.compareAndSet(null, code);
              }
              done.countDown();
            },
            null);
      }
      if (!done.await(properties.sessionTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)) {
        log.warn("Loading topology records timed out; trying again in 1 s");
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      parsers.shutdown();
    }
    if (failed.get() != null) {
      log.warn("Loading topology records failed ({}); trying again in 1 s", failed.get());
      return false;
    }
    return true;
  }

  private boolean isRecordPath(String path) {
    return path.startsWith(recordsRoot + "/")
        && path.substring(recordsRoot.length() + 1).split("/").length == 2;
  }

  /** The cluster and name of a record path ({@code <root>/topologies/<cluster>/<name>}). */
  private TopologyName nameOf(String path) {
    String rest = path.substring(recordsRoot.length() + 1);
    int slash = rest.indexOf('/');
    return new TopologyName(rest.substring(0, slash), rest.substring(slash + 1));
  }

  /** A record's place in the index: by cluster, then name. */
  private record TopologyName(String cluster, String name) implements Comparable<TopologyName> {
    @Override
    public int compareTo(TopologyName other) {
      int byCluster = cluster.compareTo(other.cluster);
      return byCluster != 0 ? byCluster : name.compareTo(other.name);
    }
  }

  /** A cached record with the identity (czxid) and version of the node it came from. */
  private record Cached(TopologyRecord record, long czxid, int version) {
    static Cached newer(Cached a, Cached b) {
      if (a.czxid != b.czxid) {
        return a.czxid > b.czxid ? a : b;
      }
      return a.version >= b.version ? a : b;
    }
  }
}
