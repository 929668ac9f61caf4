package io.heroncp.zookeeper;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic tasks (the reconciler, idempotency cleanup) that run only on the one replica elected
 * leader: Curator's {@link LeaderLatch} at {@code <root>/leader}. Each task runs with a fixed delay
 * between the end of one run and the start of the next, starting at once when this replica becomes
 * leader, and stops being scheduled when it stops being leader (connection suspended or lost, or
 * {@link #close()}); another replica's latch then takes over within its ZooKeeper session timeout
 * (at once when this one closes cleanly).
 *
 * <p>Guarantees: a task never runs on two replicas at the same time while ZooKeeper is reachable;
 * across a network partition the old leader may finish a run it had started after the new leader
 * started (a run already in progress is not interrupted), so tasks must be idempotent and write
 * with versioned compare-and-set. Runs of all tasks of one instance happen one at a time on one
 * thread; an exception in a run is logged and the next run still happens. Thread-safe.
 */
public class LeaderOnlyTasks implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderOnlyTasks.class);

  private final LeaderLatch latch;
  private final String participantId;
  private final ScheduledExecutorService executor;
  private final List<Task> tasks = new ArrayList<>();
  private boolean started;
  private boolean closed;

  /**
   * @param participantId this replica's id in the election (e.g. host:port), shown in logs
   */
  public LeaderOnlyTasks(
      CuratorFramework client, ZooKeeperProperties properties, String participantId) {
    this.participantId = participantId;
    this.latch = new LeaderLatch(client, properties.root() + "/leader", participantId);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "leader-tasks");
              thread.setDaemon(true);
              return thread;
            });
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            leadershipGained();
          }

          @Override
          public void notLeader() {
            leadershipLost();
          }
        });
  }

  /**
   * Adds a task run every {@code interval} (fixed delay) while this replica is leader, and joins
   * the election on the first call. May be called several times (one call per task). Does not wait
   * for leadership.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void start(Runnable task, Duration interval) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    Task added = new Task(task, interval);
    tasks.add(added);
    if (!started) {
      started = true;
      try {
        latch.start();
      } catch (Exception e) {
        throw new IllegalStateException("Could not join the leader election", e);
      }
    } else if (latch.hasLeadership()) {
      added.schedule();
    }
  }

  /** Whether this replica is the leader now (as far as ZooKeeper has told it). */
  public boolean isLeader() {
    return started && !closed && latch.hasLeadership();
  }

  /**
   * Leaves the election (another replica takes over at once) and stops scheduling; waits up to 10
   * seconds for a run in progress to finish. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      tasks.forEach(Task::cancel);
    }
    if (started) {
      try {
        latch.close();
      } catch (IOException | IllegalStateException e) {
        log.warn(
            "Leaving the leader election failed ({}); the session's end removes this participant",
            e.toString());
      }
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void leadershipGained() {
    if (closed) {
      return;
    }
    log.info("{} is now the leader; running {} leader-only task(s)", participantId, tasks.size());
    tasks.forEach(Task::schedule);
  }

  private synchronized void leadershipLost() {
    log.info("{} is no longer the leader; leader-only tasks stopped", participantId);
    tasks.forEach(Task::cancel);
  }

  /** A task and its schedule while leader. Guarded by the enclosing instance's lock. */
  private final class Task {
    private final Runnable body;
    private final Duration interval;
    private ScheduledFuture<?> future;

    Task(Runnable body, Duration interval) {
      this.body = body;
      this.interval = interval;
    }

    void schedule() {
      if (future == null || future.isDone()) {
        future =
            executor.scheduleWithFixedDelay(
                this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    void cancel() {
      if (future != null) {
        future.cancel(false);
        future = null;
      }
    }

    private void runOnce() {
      // Leadership may have been lost between scheduling and now.
      if (!latch.hasLeadership()) {
        return;
      }
      try {
        body.run();
      } catch (RuntimeException e) {
        // Thrown out of the executor it would silently end the schedule.
        log.warn("Leader-only task failed; it runs again in {}", interval, e);
      }
    }
  }
}
