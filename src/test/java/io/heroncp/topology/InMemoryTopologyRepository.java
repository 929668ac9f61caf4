package io.heroncp.topology;

import io.heroncp.heron.HeronStateNodes;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The topology store's contract (see {@code zookeeper.TopologyStore}) in memory: every write of an
 * existing record is compare-and-set on its version (ConflictException when it changed or
 * vanished); a submission is refused when the name is taken in the cluster or Heron's nodes of that
 * name exist; a delete removes the record and Heron's nodes in kill order at once; writes while
 * disconnected change nothing (503). Heron's nodes are kept by path.
 */
final class InMemoryTopologyRepository implements TopologyRepository {

  final Faults faults = new Faults();
  private final Map<String, TopologyRecord> records = new TreeMap<>();
  private final Map<String, byte[]> nodes = new TreeMap<>();
  private final List<RecordListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private boolean connected = true;
  private int writes;

  @Override
  public synchronized Optional<TopologyRecord> find(String cluster, String name) {
    return Optional.ofNullable(records.get(cluster + "/" + name));
  }

  @Override
  public synchronized Optional<TopologyRecord> find(TopologyKey key) {
    return find(key.cluster(), key.name()).filter(r -> r.key().equals(key));
  }

  @Override
  public synchronized List<TopologyRecord> list() {
    List<TopologyRecord> all = new ArrayList<>(records.values());
    all.sort(
        Comparator.comparing((TopologyRecord r) -> r.key().cluster())
            .thenComparing(r -> r.key().name()));
    return all;
  }

  @Override
  public synchronized List<TopologyRecord> page(
      String afterCluster,
      String afterName,
      int limit,
      java.util.function.Predicate<TopologyRecord> filter) {
    return list().stream()
        .filter(
            r ->
                afterCluster == null
                    || r.key().cluster().compareTo(afterCluster) > 0
                    || (r.key().cluster().equals(afterCluster)
                        && r.key().name().compareTo(afterName) > 0))
        .filter(filter)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized Optional<TopologyRecord> read(TopologyKey key) {
    faults.before("read");
    return find(key);
  }

  @Override
  public synchronized TopologyRecord createSubmission(
      TopologyRecord record, HeronStateNodes heron) {
    write("createSubmission");
    TopologyKey key = record.key();
    String name = heron.name();
    if (records.containsKey(path(key))
        || nodes.containsKey(heron.paths().topology(name))
        || nodes.containsKey(heron.paths().packingPlan(name))
        || nodes.containsKey(heron.paths().executionState(name))) {
      throw new ConflictException(
          "Topology '" + key.name() + "' already exists in cluster " + key.cluster(), "name");
    }
    nodes.put(heron.paths().topology(name), heron.topology());
    nodes.put(heron.paths().packingPlan(name), heron.packingPlan());
    nodes.put(heron.paths().executionState(name), heron.executionState());
    return store(record.withVersion(0), "createSubmission");
  }

  @Override
  public synchronized TopologyRecord completeLaunch(
      TopologyRecord record, HeronStateNodes heron, byte[] location) {
    write("completeLaunch");
    requireVersion(record);
    nodes.putIfAbsent(heron.paths().schedulerLocation(heron.name()), location);
    return store(record.withVersion(record.version() + 1), "completeLaunch");
  }

  @Override
  public synchronized TopologyRecord update(TopologyRecord record) {
    write("update");
    requireVersion(record);
    return store(record.withVersion(record.version() + 1), "update");
  }

  @Override
  public synchronized TopologyRecord updateWithPackingPlan(
      TopologyRecord record, HeronStateNodes heron, byte[] packingPlan) {
    write("updateWithPackingPlan");
    requireVersion(record);
    String plan = heron.paths().packingPlan(heron.name());
    if (!nodes.containsKey(plan)) {
      throw new ConflictException(
          "Topology " + record.key() + " was changed concurrently; read it and retry");
    }
    nodes.put(plan, packingPlan);
    return store(record.withVersion(record.version() + 1), "updateWithPackingPlan");
  }

  @Override
  public synchronized void delete(TopologyRecord record, HeronStateNodes heron) {
    write("delete");
    TopologyRecord stored = records.get(path(record.key()));
    if (stored == null) {
      // The real store retries a vanished record node and then reports ZooKeeper's NoNode as a
      // failure.
      throw new DependencyFailedException(
          "ZooKeeper failed while removing the state of " + record.key() + ": NoNode");
    }
    if (stored.version() != record.version()) {
      throw new ConflictException(
          "Topology " + record.key() + " was changed concurrently; read it and retry");
    }
    for (String node : heron.paths().killCleanupOrder(heron.name())) {
      nodes.keySet().removeIf(p -> p.equals(node) || p.startsWith(node + "/"));
    }
    TopologyRecord removed = records.remove(path(record.key()));
    writes++;
    listeners.forEach(l -> l.changed(removed, null));
    faults.after("delete");
  }

  @Override
  public void addListener(RecordListener listener) {
    listeners.add(listener);
  }

  @Override
  public synchronized boolean isPackageReferenced(String sha256) {
    return records.values().stream()
        .anyMatch(r -> r.topologyPackage() != null && sha256.equals(r.topologyPackage().sha256()));
  }

  /** Always complete: there is nothing to load. */
  @Override
  public boolean loaded() {
    return true;
  }

  @Override
  public synchronized Optional<byte[]> heronTopology(HeronStateNodes heron) {
    return Optional.ofNullable(nodes.get(heron.paths().topology(heron.name())));
  }

  @Override
  public synchronized Optional<byte[]> heronPackingPlan(HeronStateNodes heron) {
    return Optional.ofNullable(nodes.get(heron.paths().packingPlan(heron.name())));
  }

  @Override
  public synchronized boolean connected() {
    return connected;
  }

  synchronized void connected(boolean now) {
    connected = now;
  }

  /** How many writes took effect. */
  synchronized int writes() {
    return writes;
  }

  /** Heron's node paths that exist, sorted. */
  synchronized List<String> heronNodes() {
    return List.copyOf(nodes.keySet());
  }

  synchronized Optional<byte[]> node(String path) {
    return Optional.ofNullable(nodes.get(path));
  }

  private void write(String call) {
    if (!connected) {
      throw new DependencyUnavailableException(
          "ZooKeeper is not connected; nothing was changed while " + call + ". Retry later");
    }
    faults.before(call);
  }

  private void requireVersion(TopologyRecord record) {
    TopologyRecord stored = records.get(path(record.key()));
    if (stored == null || stored.version() != record.version()) {
      throw new ConflictException(
          "Topology " + record.key() + " was changed concurrently; read it and retry");
    }
  }

  private TopologyRecord store(TopologyRecord record, String call) {
    TopologyRecord previous = records.put(path(record.key()), record);
    writes++;
    listeners.forEach(l -> l.changed(previous, record));
    faults.after(call);
    return record;
  }

  private static String path(TopologyKey key) {
    return key.cluster() + "/" + key.name();
  }
}
