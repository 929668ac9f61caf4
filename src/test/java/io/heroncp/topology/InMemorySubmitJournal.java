package io.heroncp.topology;

import io.heroncp.heron.HeronStateNodes;

/**
 * The submit journal's contract over the in-memory record store and operation log: the intent and
 * the launch each all or nothing (a refused operation start takes the record back out). Faults of
 * the two fakes apply ({@code createSubmission}, {@code completeLaunch}, the log's writes).
 */
final class InMemorySubmitJournal implements SubmitJournal {

  private final InMemoryTopologyRepository topologies;
  private final InMemoryOperationLog operations;

  InMemorySubmitJournal(InMemoryTopologyRepository topologies, InMemoryOperationLog operations) {
    this.topologies = topologies;
    this.operations = operations;
  }

  @Override
  public Intent recordIntent(
      Operation operation,
      String idempotencyScope,
      TopologyRecord submitting,
      HeronStateNodes heron) {
    synchronized (topologies) {
      TopologyRecord record = topologies.createSubmission(submitting, heron);
      try {
        return new Intent(operations.begin(operation, idempotencyScope), record);
      } catch (RuntimeException e) {
        topologies.delete(record, heron);
        throw e;
      }
    }
  }

  @Override
  public Launch recordLaunch(
      TopologyRecord launched, HeronStateNodes heron, byte[] schedulerLocation, Operation ended) {
    synchronized (topologies) {
      TopologyRecord record = topologies.completeLaunch(launched, heron, schedulerLocation);
      return new Launch(operations.complete(ended), record);
    }
  }
}
