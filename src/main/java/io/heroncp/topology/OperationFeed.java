package io.heroncp.topology;

/**
 * Port: every operation's start and end as the operation log records them, whichever replica ran
 * it, in the order this replica learns of them.
 */
public interface OperationFeed {

  /** Registers a listener told about operations started or ended from now on. */
  void addListener(Listener listener);

  /** Told about operations; must be fast and must not throw. */
  interface Listener {

    /** The operation was recorded RUNNING. */
    void started(Operation operation);

    /** The operation was recorded with its outcome. */
    void ended(Operation operation);
  }
}
