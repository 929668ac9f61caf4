package io.heroncp.topology;

import io.heroncp.heron.ExecutionState;
import io.heroncp.heron.HeronPaths;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.HeronStateNodes;
import io.heroncp.heron.SchedulerLocation;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.problems.BusyException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.PayloadTooLargeException;
import io.heroncp.topology.SubmitPreparation.Prepared;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a submit and their undo: store the package, record the operation's start, the intent
 * and Heron's state in one atomic write, create the Aurora job, record the launch and the
 * operation's end in one atomic write ({@link SubmitJournal}). A failure undoes every earlier step
 * (the Aurora job too when the create may have taken effect) before it is reported. A crash, a
 * failed undo or a failure after the job was created leaves a SUBMITTING record that the reconciler
 * finishes ({@link #completeLaunch}) or removes ({@link #removeState}), and the operation RUNNING
 * ({@link OperationRunner.Unfinished}). Kill's last steps live here too, as they undo the same
 * writes.
 */
final class SubmitSaga {

  private static final Logger log = LoggerFactory.getLogger(SubmitSaga.class);

  private final TopologyClusters clusters;
  private final SchedulerDirectory schedulers;
  private final TopologyRepository store;
  private final TopologyPackages packages;
  private final SubmitJournal journal;
  private final String serviceZooKeeper;
  private final Clock clock;

  SubmitSaga(
      TopologyClusters clusters,
      SchedulerDirectory schedulers,
      TopologyRepository store,
      TopologyPackages packages,
      SubmitJournal journal,
      String serviceZooKeeper,
      Clock clock) {
    this.clusters = clusters;
    this.schedulers = schedulers;
    this.store = store;
    this.packages = packages;
    this.journal = journal;
    this.serviceZooKeeper = serviceZooKeeper;
    this.clock = clock;
  }

  /**
   * Runs every step for {@code operation}, which is not recorded yet: it is recorded together with
   * the intent, and ended together with the launch ({@link SubmitJournal}). {@code intentRecorded}
   * is called with the recorded operation once the intent is in the store (from then on a crash is
   * the reconciler's to finish). A failure before that has written nothing (the package, if stored,
   * is deleted again).
   */
  SubmitJournal.Launch launch(
      Operation operation,
      String idempotencyScope,
      Prepared prepared,
      SubmitCommand command,
      Consumer<Operation> intentRecorded) {
    TopologyKey key = prepared.key();
    TopologyRecord.PackageRef stored = buildPackage(prepared, command);
    Instant now = clock.instant();
    TopologyRecord record =
        new TopologyRecord(
            key,
            prepared.definition().id(),
            TopologyState.SUBMITTING,
            prepared.definition().initiallyPaused(),
            prepared.user(),
            now,
            now,
            components(prepared.definition()),
            TopologyRecord.PackingSummary.of(prepared.packing()),
            key.cluster() + "/" + key.role() + "/" + key.environment() + "/" + key.name(),
            stored,
            prepared.binaryName(),
            command.overrides(),
            operation.id(),
            null,
            List.of(),
            null,
            0);
    SubmitJournal.Intent intent;
    try {
      intent = journal.recordIntent(operation, idempotencyScope, record, heronNodes(prepared));
    } catch (RuntimeException e) {
      deletePackageIfUnreferenced(record.topologyPackage());
      throw e;
    }
    intentRecorded.accept(intent.operation());
    try {
      schedulers.forCluster(key.cluster()).createJob(prepared.jobRequest(stored.uri()));
    } catch (RuntimeException launchFailure) {
      rollback(intent.record(), launchFailure);
      throw launchFailure;
    }
    try {
      TopologyRecord launched = starting(intent.record(), operation.id(), clock.instant());
      return journal.recordLaunch(
          launched,
          heronNodes(key),
          schedulerLocation(key, prepared.config().get("heron.scheduler.job.link.template")),
          intent
              .operation()
              .withTargetState(TopologyTransitions.base(launched))
              .succeeded(clock.instant()));
    } catch (RuntimeException recordFailure) {
      // The job runs: the submit is past undoing cheaply; the reconciler completes a SUBMITTING
      // record whose job exists.
      log.error(
          "Job of {} created but its launch could not be recorded; the reconciler will",
          key,
          recordFailure);
      throw new OperationRunner.Unfinished(recordFailure);
    }
  }

  /**
   * Records that the Aurora job of a SUBMITTING topology exists (the reconciler finishing an
   * interrupted submit; the runner ends its operation): STARTING, to become RUNNING (or PAUSED when
   * submitted deactivated) once its tasks run and its topology manager is up, and Heron's scheduler
   * location.
   */
  TopologyRecord completeLaunch(TopologyRecord intent, String operationId, String jobLinkTemplate) {
    TopologyKey key = intent.key();
    return store.completeLaunch(
        starting(intent, operationId, clock.instant()),
        heronNodes(key),
        schedulerLocation(key, jobLinkTemplate));
  }

  private static TopologyRecord starting(TopologyRecord intent, String operationId, Instant now) {
    TopologyState running = intent.initiallyPaused() ? TopologyState.PAUSED : TopologyState.RUNNING;
    return intent.settling(TopologyState.STARTING, running, now, operationId);
  }

  private static byte[] schedulerLocation(TopologyKey key, String jobLinkTemplate) {
    return HeronStateCodec.encodeSchedulerLocation(
        SchedulerLocation.forAurora(
            key.name(), jobLinkTemplate, key.cluster(), key.role(), key.environment()));
  }

  /**
   * Removes a topology's ZooKeeper state (record and Heron's nodes) and its package when nothing
   * else uses it.
   */
  void removeState(TopologyRecord record) {
    store.delete(record, heronNodes(record.key()));
    deletePackageIfUnreferenced(record.topologyPackage());
  }

  /** The rest of a kill once the record is KILLING: the Aurora job, then the state. Idempotent. */
  TopologyRecord finishKill(TopologyRecord killing, String operationId) {
    schedulers.forCluster(killing.key().cluster()).killJob(killing.key());
    removeState(killing);
    return killing.withState(TopologyState.KILLED, clock.instant(), operationId);
  }

  private HeronStateNodes heronNodes(TopologyKey key) {
    return HeronStateNodes.of(clusters.heronCluster(key.cluster()).heronRoot(), key.name());
  }

  private HeronStateNodes heronNodes(Prepared prepared) {
    TopologyKey key = prepared.key();
    return new HeronStateNodes(
        new HeronPaths(prepared.cluster().heronRoot()),
        key.name(),
        prepared.definition().trimmedBytes(),
        HeronStateCodec.encodePackingPlan(prepared.packing()),
        HeronStateCodec.encodeExecutionState(
            ExecutionState.forSubmission(
                prepared.definition(),
                key.cluster(),
                key.role(),
                key.environment(),
                prepared.user(),
                clock.instant(),
                release(prepared.config()))));
  }

  private TopologyRecord.PackageRef buildPackage(Prepared prepared, SubmitCommand command) {
    Path temp = null;
    try {
      temp = Files.createTempFile("topology-", "-" + prepared.binaryName());
      try (InputStream in = command.topology().content().open()) {
        long copied = copyLimited(in, temp);
        if (copied > packages.maxUploadBytes()) {
          throw new PayloadTooLargeException(
              "topology file is larger than the limit of "
                  + packages.maxUploadBytes()
                  + " bytes (heroncp.packages.max-upload-size)",
              "topology");
        }
      }
      return packages.build(
          new TopologyPackageRequest(
              prepared.definition().name(),
              prepared.definition().bytes(),
              temp,
              prepared.binaryName(),
              command.overrides(),
              prepared.cluster().heronConfigDirectory(),
              stateManagerConnection(prepared.cluster()),
              prepared.cluster().heronRoot()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not store the topology package", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  /**
   * Copies at most one byte beyond the upload limit, so an oversized file is known without storing
   * it all.
   */
  private long copyLimited(InputStream in, Path target) throws IOException {
    long limit = packages.maxUploadBytes();
    try (var out = Files.newOutputStream(target)) {
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > limit) {
          return total;
        }
        out.write(buffer, 0, n);
      }
      return total;
    }
  }

  private String stateManagerConnection(HeronCluster cluster) {
    String connection = cluster.stateManagerConnection();
    return connection == null || connection.isBlank() ? serviceZooKeeper : connection;
  }

  /**
   * Undoes a failed createJob: Aurora's job first when the failure leaves open whether it was
   * created (only a job of this topology id is killed), then the ZooKeeper state. When the undo
   * fails, the intent stays for the reconciler.
   */
  private void rollback(TopologyRecord intent, RuntimeException cause) {
    TopologyKey key = intent.key();
    try {
      if (mayHaveCreated(cause)) {
        TopologyScheduler scheduler = schedulers.forCluster(key.cluster());
        if (scheduler
            .status(key, intent.topologyId(), intent.packing().auroraInstances())
            .exists()) {
          scheduler.killJob(key);
          log.warn("Launch of {} failed after Aurora created the job; the job was killed", key);
        }
      }
      removeState(intent);
      log.warn(
          "Launch of {} failed; its ZooKeeper state was rolled back: {}", key, cause.getMessage());
    } catch (RuntimeException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
      log.error(
          "Launch of {} failed and its rollback failed too; the record stays SUBMITTING for the reconciler",
          key,
          rollbackFailure);
      throw new OperationRunner.Unfinished(cause);
    }
  }

  /**
   * Whether Aurora may have created the job although createJob failed. Refusals (422, 409, busy)
   * and a call that never reached Aurora did not; a timeout, a broken exchange or an unreadable
   * answer may have.
   */
  static boolean mayHaveCreated(RuntimeException failure) {
    if (failure instanceof InvalidFieldException
        || failure instanceof ConflictException
        || failure instanceof BusyException) {
      return false;
    }
    if (failure instanceof DependencyUnavailableException unavailable) {
      return unavailable.mayHaveTakenEffect();
    }
    return true;
  }

  private void deletePackageIfUnreferenced(TopologyRecord.PackageRef ref) {
    if (ref != null && !store.isPackageReferenced(ref.sha256())) {
      packages.delete(ref.sha256());
    }
  }

  private static List<TopologyRecord.ComponentSummary> components(TopologyDefinition definition) {
    return definition.components().stream()
        .map(c -> new TopologyRecord.ComponentSummary(c.name(), c.kind().name(), c.parallelism()))
        .toList();
  }

  /** Heron fills the release state from its build keys; so do we, from the effective config. */
  private static ExecutionState.Release release(Map<String, String> config) {
    return new ExecutionState.Release(
        config.getOrDefault("heron.build.user", "heron-controlplane"),
        "",
        config.getOrDefault("heron.build.version", "unknown"));
  }
}
