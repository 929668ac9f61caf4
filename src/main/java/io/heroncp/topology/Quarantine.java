package io.heroncp.topology;

/**
 * Port the stores call when a stored record cannot be read (damaged, or written by a version
 * without today's bounds) and was set aside, so one bad record never stops the reconciler, a
 * history or another topology. Implementations must be fast and must not throw.
 */
@FunctionalInterface
public interface Quarantine {

  /** Does nothing: for stores used without the lifecycle (tools, tests). */
  Quarantine NONE = unreadable -> {};

  /**
   * A record that was set aside.
   *
   * @param kind {@code operation} or {@code topology}
   * @param id the operation id, or the record's path for a topology record
   * @param key the topology it belongs to, when that much could still be read; else null
   * @param reason why it could not be read, for the log and the topology's failure
   * @param unfinished whether it was an operation still RUNNING (its topology may be half-changed)
   */
  record Unreadable(String kind, String id, TopologyKey key, String reason, boolean unfinished) {}

  void quarantined(Unreadable unreadable);
}
