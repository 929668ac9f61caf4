package io.heroncp.topology;

import io.heroncp.heron.HeronStateNodes;
import java.util.List;
import java.util.Optional;

/**
 * Port: topology records and Heron's state nodes, written together. Writes are compare-and-set on
 * the record's version ({@link io.heroncp.problems.ConflictException} when it changed).
 */
public interface TopologyRepository {

  /**
   * From the cache: the topology of this name in the cluster, whatever its role and environment.
   */
  Optional<TopologyRecord> find(String cluster, String name);

  Optional<TopologyRecord> find(TopologyKey key);

  /** From the cache, ordered by cluster and name. */
  List<TopologyRecord> list();

  /**
   * From the cache's ordered index: the first {@code limit} records after {@code
   * afterCluster/afterName} (null: from the start), in cluster/name order, that match {@code
   * filter}. Its cost grows with the records walked, not with all records.
   */
  List<TopologyRecord> page(
      String afterCluster,
      String afterName,
      int limit,
      java.util.function.Predicate<TopologyRecord> filter);

  /** Directly from the store (not cached). */
  Optional<TopologyRecord> read(TopologyKey key);

  TopologyRecord createSubmission(TopologyRecord record, HeronStateNodes heron);

  TopologyRecord completeLaunch(
      TopologyRecord record, HeronStateNodes heron, byte[] schedulerLocation);

  TopologyRecord update(TopologyRecord record);

  TopologyRecord updateWithPackingPlan(
      TopologyRecord record, HeronStateNodes heron, byte[] packingPlan);

  void delete(TopologyRecord record, HeronStateNodes heron);

  /**
   * Whether any record references the package with this digest. True for every digest while the
   * cache is not {@link #loaded()} (a record not read yet may reference it).
   */
  boolean isPackageReferenced(String sha256);

  /** Whether the cache holds every record (its first full load from the store is done). */
  boolean loaded();

  /** Heron's stored (trimmed) topology definition node. */
  Optional<byte[]> heronTopology(HeronStateNodes heron);

  /** Heron's stored packing plan node. */
  Optional<byte[]> heronPackingPlan(HeronStateNodes heron);

  /** Whether the store is reachable now. */
  boolean connected();

  /**
   * Registers a listener told about every change of the cached records, this replica's writes and
   * other replicas' alike, once per new version, in version order per topology.
   */
  void addListener(RecordListener listener);

  /** Told about record changes; must be fast and must not throw (called on the cache's thread). */
  @FunctionalInterface
  interface RecordListener {
    /**
     * @param previous the record before, or null when it was created (or first loaded)
     * @param current the record now, or null when it was removed
     */
    void changed(TopologyRecord previous, TopologyRecord current);
  }
}
