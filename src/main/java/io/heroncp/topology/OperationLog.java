package io.heroncp.topology;

import java.util.List;
import java.util.Optional;

/** Port: the operation records and their idempotency-key index. */
public interface OperationLog {

  Operation begin(Operation operation);

  /**
   * Begins an operation and claims its idempotency key in the scope.
   *
   * @throws IdempotencyKeyUsedException the key belongs to another operation
   */
  Operation begin(Operation operation, String idempotencyScope);

  Operation complete(Operation operation);

  Optional<Operation> find(String id);

  /** Every operation of topologies of this name in the cluster, newest first. */
  List<Operation> history(String cluster, String name);

  /** The newest {@code limit} of {@link #history(String, String)}. */
  List<Operation> history(String cluster, String name, int limit);

  List<Operation> unfinished();

  Optional<Operation> findByIdempotencyKey(String idempotencyKey, String scope);
}
