package io.heroncp.topology;

import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronStateNodes;
import io.heroncp.heron.PackingPlan;
import io.heroncp.problems.BusyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes or rolls back operations a crash interrupted, by comparing with what Aurora and Heron
 * actually have. Runs on the elected leader only, every {@code
 * heroncp.operations.reconcile-interval}. (Vanished Aurora jobs are the {@link
 * TopologyStatusWatcher}'s to find, from its observations.)
 *
 * <p>An operation is interrupted when it is RUNNING, older than {@code reconcile-after}, and its
 * topology's lock is free (a live replica working on it holds the lock). Each repair takes that
 * lock, so it never races a request.
 */
public class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** Told about each run and each repair (metrics). */
  public interface Listener {
    void ran();

    void repaired(String what);
  }

  private final TopologyRepository topologies;
  private final OperationLog operations;
  private final TopologyLocks locks;
  private final SchedulerDirectory schedulers;
  private final TopologyManagerClient topologyManager;
  private final TopologyClusters clusters;
  private final TopologyLifecycle lifecycle;
  private final Duration reconcileAfter;
  private final Duration topologyManagerWait;
  private final Clock clock;
  private final Listener listener;

  public Reconciler(
      TopologyRepository topologies,
      OperationLog operations,
      TopologyLocks locks,
      SchedulerDirectory schedulers,
      TopologyManagerClient topologyManager,
      TopologyClusters clusters,
      TopologyLifecycle lifecycle,
      Duration reconcileAfter,
      Duration topologyManagerWait,
      Clock clock,
      Listener listener) {
    this.topologyManagerWait = topologyManagerWait;
    this.topologies = topologies;
    this.operations = operations;
    this.locks = locks;
    this.schedulers = schedulers;
    this.topologyManager = topologyManager;
    this.clusters = clusters;
    this.lifecycle = lifecycle;
    this.reconcileAfter = reconcileAfter;
    this.clock = clock;
    this.listener = listener;
  }

  /** One pass; never throws (a failed repair is retried on the next pass). */
  public void reconcileOnce() {
    listener.ran();
    Instant cutoff = clock.instant().minus(reconcileAfter);
    try {
      for (Operation operation : operations.unfinished()) {
        if (operation.startedAt().isBefore(cutoff) && !waitingForReadiness(operation)) {
          repairQuietly(operation);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Reconciler pass failed, retrying on the next: {}", e.getMessage());
    }
  }

  /**
   * A background verb recorded while its topology settled waits, without the lock, for up to the
   * topology-manager wait before it acts: not interrupted until that wait is over too.
   */
  private boolean waitingForReadiness(Operation operation) {
    if (!TopologyTransitions.needsReady(operation.verb())) {
      return false;
    }
    boolean settling =
        topologies.find(operation.key()).map(TopologyReadiness::waitsFor).orElse(false);
    return settling
        && operation
            .startedAt()
            .plus(reconcileAfter)
            .plus(topologyManagerWait)
            .isAfter(clock.instant());
  }

  private void repairQuietly(Operation operation) {
    try (TopologyLocks.Held ignored = locks.acquire(operation.key(), Duration.ZERO)) {
      Optional<Operation> fresh = operations.find(operation.id());
      if (fresh.isEmpty() || fresh.get().ended()) {
        return;
      }
      Operation repaired = repair(fresh.get());
      log.info(
          "reconcile topology={} operation={} verb={} outcome={}",
          operation.key().path(),
          operation.id(),
          operation.verb(),
          repaired.outcome());
      listener.repaired(operation.verb().name());
    } catch (BusyException busy) {
      // A replica is working on this topology: the operation is not interrupted.
    } catch (RuntimeException e) {
      log.warn(
          "Could not reconcile operation {} ({} {}): {}",
          operation.id(),
          operation.verb(),
          operation.key(),
          e.getMessage());
    }
  }

  private Operation repair(Operation operation) {
    TopologyKey key = operation.key();
    HeronCluster cluster = clusters.heronCluster(key.cluster());
    HeronStateNodes heron = HeronStateNodes.of(cluster.heronRoot(), key.name());
    Optional<TopologyRecord> found = topologies.read(key);
    Instant now = clock.instant();
    switch (operation.verb()) {
      case SUBMIT -> {
        if (found.isEmpty()) {
          return operations.complete(
              operation.rolledBack(
                  now,
                  "interrupted",
                  "Interrupted with no topology recorded (its rollback had removed it); nothing to undo"));
        }
        TopologyRecord record = found.get();
        if (record.state() != TopologyState.SUBMITTING) {
          return operations.complete(operation.succeeded(now));
        }
        if (schedulers
            .forCluster(key.cluster())
            .status(key, record.topologyId(), record.packing().auroraInstances())
            .exists()) {
          TopologyRecord launched =
              lifecycle.completeLaunch(
                  record,
                  operation.id(),
                  cluster.heronConfig().get("heron.scheduler.job.link.template"));
          return operations.complete(
              operation.withTargetState(TopologyTransitions.base(launched)).succeeded(now));
        }
        lifecycle.removeState(record);
        return operations.complete(
            operation.rolledBack(
                now,
                "interrupted",
                "Interrupted before the Aurora job was created; the submission was rolled back, submit again"));
      }
      case KILL -> {
        found.ifPresent(killing -> lifecycle.finishKill(killing, operation.id()));
        return operations.complete(operation.succeeded(now));
      }
      case ACTIVATE, DEACTIVATE -> {
        if (found.isEmpty()) {
          return operations.complete(
              operation.failed(now, "interrupted", "The topology no longer exists"));
        }
        String runtime = topologyManager.runtimeState(cluster.heronRoot(), key.name());
        TopologyState actual =
            "PAUSED".equals(runtime)
                ? TopologyState.PAUSED
                : "RUNNING".equals(runtime) ? TopologyState.RUNNING : operation.previousState();
        topologies.update(found.get().withState(actual, now, operation.id()));
        return operations.complete(
            actual == operation.targetState()
                ? operation.succeeded(now)
                : operation.rolledBack(
                    now,
                    "interrupted",
                    "Interrupted before the topology manager was told; "
                        + "the topology is still "
                        + actual
                        + ", retry"));
      }
      case RESTART -> {
        // The restart may have reached Aurora: the topology settles once its tasks run again.
        found.ifPresent(
            record ->
                topologies.update(
                    record.settling(
                        TopologyState.RESTARTING, operation.targetState(), now, operation.id())));
        return operations.complete(
            operation.failed(
                now,
                "interrupted",
                "Interrupted; the restart may not have been sent to Aurora. Retry it"));
      }
      case UPDATE -> {
        if (found.isPresent()) {
          // The packing plan in ZooKeeper is the commit point of an update: make Aurora match it.
          PackingPlan plan =
              topologies
                  .heronPackingPlan(heron)
                  .map(HeronStateCodec::decodePackingPlan)
                  .orElse(null);
          if (plan != null) {
            schedulers.forCluster(key.cluster()).scaleTo(key, plan.containerCount() + 1);
          }
          if (operation.previousState() == TopologyState.RUNNING
              && "PAUSED".equals(topologyManager.runtimeState(cluster.heronRoot(), key.name()))) {
            topologyManager.activate(cluster.heronRoot(), key.name(), found.get().topologyId());
          }
          topologies.update(
              found
                  .get()
                  .settling(TopologyState.UPDATING, operation.targetState(), now, operation.id()));
        }
        return operations.complete(
            operation.failed(
                now,
                "interrupted",
                "Interrupted; Aurora was brought in line with the packing plan in ZooKeeper. Check it and retry"));
      }
      case FAIL -> {
        // The FAILED mark was written before its history entry was begun: only the entry is left.
        return operations.complete(
            operation.failed(
                now,
                operation.error() == null ? "dependency-failed" : operation.error().type(),
                operation.error() == null
                    ? operation.parameters().getOrDefault("message", "")
                    : operation.error().detail()));
      }
      default -> throw new IllegalStateException("unknown verb " + operation.verb());
    }
  }
}
