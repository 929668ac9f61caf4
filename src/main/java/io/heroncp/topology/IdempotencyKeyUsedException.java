package io.heroncp.topology;

import io.heroncp.problems.ConflictException;

/**
 * An {@code Idempotency-Key} (for the same method and path) already belongs to another operation,
 * e.g. the winner of two concurrent requests with one key (409). {@link #operationId()} names that
 * operation, so the caller can answer with its outcome instead of this conflict.
 */
public class IdempotencyKeyUsedException extends ConflictException {

  private final String operationId;

  public IdempotencyKeyUsedException(String message, String operationId, Throwable cause) {
    super(message, "Idempotency-Key", cause);
    this.operationId = operationId;
  }

  /**
   * The id of the operation that owns the key; {@code null} if its entry vanished meanwhile (retry
   * then).
   */
  public String operationId() {
    return operationId;
  }
}
