package io.heroncp.topology;

/**
 * Points inside an operation where tests can interrupt it the way a crash would (the reconciler
 * must then finish or roll it back). The production implementation does nothing.
 */
public interface OperationHooks {

  OperationHooks NONE = operation -> {};

  /**
   * Called after the operation and the topology's in-progress state are recorded, before any
   * scheduler call.
   */
  void afterIntentRecorded(Operation operation);
}
