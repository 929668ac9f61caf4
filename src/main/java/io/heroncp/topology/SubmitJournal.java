package io.heroncp.topology;

import io.heroncp.heron.HeronStateNodes;

/**
 * Port: the two writes of a submit, each one atomic step that spans the topology's record (and
 * Heron's nodes) and its SUBMIT operation. With the topology's lock, a submit writes nothing else
 * on its request path: the intent before Aurora is asked, the launch after.
 */
public interface SubmitJournal {

  /**
   * Records the start of the SUBMIT operation (its history entry, unfinished marker and idempotency
   * entry) and the topology's SUBMITTING record with Heron's submit nodes, all or nothing.
   *
   * @param operation the RUNNING operation, not recorded yet
   * @param idempotencyScope the request's scope; required when the operation has an idempotency key
   * @throws IdempotencyKeyUsedException another operation owns the key (nothing was written)
   * @throws io.heroncp.problems.ConflictException the name is taken in the cluster (a record or
   *     Heron's state of that name exists; nothing was written)
   */
  Intent recordIntent(
      Operation operation,
      String idempotencyScope,
      TopologyRecord submitting,
      HeronStateNodes heron);

  /**
   * Records the launch: the record's new state (conditional on its version), Heron's scheduler
   * location (kept when it exists) and the operation's end, all or nothing.
   *
   * @param launched the record to store, at the version of the intent
   * @param ended the ended operation, at the version of its start
   * @throws io.heroncp.problems.ConflictException the record or the operation changed meanwhile
   */
  Launch recordLaunch(
      TopologyRecord launched, HeronStateNodes heron, byte[] schedulerLocation, Operation ended);

  /** The recorded intent: the operation and the record as stored (their versions). */
  record Intent(Operation operation, TopologyRecord record) {}

  /** The recorded launch: the ended operation and the record as stored. */
  record Launch(Operation operation, TopologyRecord record) {}
}
