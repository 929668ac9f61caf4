package io.heroncp.simulator;

import io.heroncp.aurora.thrift.AssignedTask;
import io.heroncp.aurora.thrift.ScheduledTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link TaskStatusListener}s about every status a task enters, in order, on one event
 * thread of its own (never under the simulator's monitor, so a listener may call the simulator
 * back). Thread-safe.
 */
final class TaskStatusNotifier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TaskStatusNotifier.class);

  private final List<TaskStatusListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "aurora-simulator-events");
            thread.setDaemon(true);
            return thread;
          });

  void add(TaskStatusListener listener) {
    listeners.add(listener);
  }

  void remove(TaskStatusListener listener) {
    listeners.remove(listener);
  }

  /** Queues the task's current status for every listener; the change is copied now. */
  void publish(ScheduledTask task) {
    if (listeners.isEmpty() || events.isShutdown()) {
      return;
    }
    AssignedTask assigned = task.getAssignedTask();
    TaskStatusChange change =
        new TaskStatusChange(
            assigned.getTask().getJob().deepCopy(),
            assigned.getInstanceId(),
            assigned.getTaskId(),
            task.getStatus(),
            assigned.getTask().deepCopy());
    try {
      events.execute(
          () -> {
            for (TaskStatusListener listener : listeners) {
              try {
                listener.onTaskStatus(change);
              } catch (RuntimeException e) {
                log.warn(
                    "Task status listener failed on {} {}: {}",
                    change.taskId(),
                    change.status(),
                    e.toString());
              }
            }
          });
    } catch (RejectedExecutionException e) {
      log.debug("Simulator closed; task status change of {} not delivered", change.taskId());
    }
  }

  /** Stops the event thread; changes not yet delivered are dropped. Idempotent. */
  @Override
  public void close() {
    events.shutdownNow();
  }
}
