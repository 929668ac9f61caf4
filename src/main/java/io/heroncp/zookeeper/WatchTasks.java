package io.heroncp.zookeeper;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;

/**
 * Work a ZooKeeper watch hands to a thread of its own (never ZooKeeper's event thread): a task that
 * fails is logged and the next one runs; a task handed over after shutdown is dropped.
 */
final class WatchTasks {

  private WatchTasks() {}

  /**
   * @param failure what a failed task could not do, e.g. "Could not read topology records from
   *     ZooKeeper" (the exception follows it)
   */
  static void submit(Executor executor, Runnable task, Logger log, String failure) {
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("{}: {}", failure, e.toString());
            }
          });
    } catch (RejectedExecutionException closed) {
      // shutting down
    }
  }
}
