package io.heroncp.topology;

import java.util.List;
import java.util.Optional;

/** Reads operations for the API: one operation, or a topology's history. */
public class OperationHistory {

  private final OperationLog operations;

  public OperationHistory(OperationLog operations) {
    this.operations = operations;
  }

  public Optional<Operation> find(String id) {
    return operations.find(id);
  }

  /** Every operation of topologies of this name in the cluster, newest first. */
  public List<Operation> history(String cluster, String name) {
    return operations.history(cluster, name);
  }
}
