package io.heroncp.topology;

import io.heroncp.problems.BusyException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.NotFoundException;
import io.heroncp.problems.PreconditionFailedException;
import io.heroncp.problems.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one mutation of an existing topology with the guarantees every verb shares:
 *
 * <ol>
 *   <li>a retry with the same {@code Idempotency-Key} gets the first outcome and acts no second
 *       time;
 *   <li>one mutation per topology at a time across replicas (ZooKeeper lock, bounded wait, 409 +
 *       Retry-After);
 *   <li>{@code If-Match} is checked against the record's version read under the lock (412);
 *   <li>the verb must be allowed in the current state ({@link TopologyTransitions}, 409);
 *   <li>the operation record and the topology's in-progress state are written to ZooKeeper
 *       <em>before</em> anything is sent to Aurora or the topology manager;
 *   <li>on success the topology gets the verb's target state and the operation SUCCEEDED; on
 *       failure the previous state is restored and the operation ROLLED_BACK with the problem;
 *   <li>an operation interrupted by a crash, or whose work throws {@link Unfinished} (it could
 *       neither finish nor undo), stays RUNNING: the {@link Reconciler} finishes or rolls it back.
 * </ol>
 */
public class OperationRunner {

  private static final Logger log = LoggerFactory.getLogger(OperationRunner.class);

  /**
   * One line per operation: who (principal, the roles it holds, remote address), what, and how it
   * ended.
   */
  private static final Logger audit = LoggerFactory.getLogger("io.heroncp.audit");

  /** The verb's own work, done under the lock after the intent is recorded. */
  @FunctionalInterface
  public interface Work {
    /**
     * @param operation the recorded, RUNNING operation
     * @param current the record with its in-progress state written (current version)
     * @return the record to finish with (its state is set by the runner); for KILL the final
     *     snapshot
     */
    TopologyRecord perform(Operation operation, TopologyRecord current);
  }

  /**
   * Thrown by a verb's work that stopped where only the {@link Reconciler} can tell whether to
   * finish or undo (e.g. Aurora may have acted, or the undo failed): the operation stays RUNNING
   * and the caller gets {@link #failure()}.
   */
  public static final class Unfinished extends RuntimeException {

    private final RuntimeException failure;

    public Unfinished(RuntimeException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }

    /** What the caller is told. */
    public RuntimeException failure() {
      return failure;
    }
  }

  /**
   * What a replay answers for a failure outside the domain errors; the exception itself is only
   * logged.
   */
  static final String INTERNAL_ERROR_DETAIL =
      "The service failed unexpectedly; the error is logged. Nothing more is known to the client";

  private final TopologyRepository topologies;
  private final OperationLog operations;
  private final TopologyLocks locks;
  private final Duration lockWait;
  private final ExecutorService background;
  private final OperationHooks hooks;
  private final Clock clock;
  private final OperationListener listener;
  private final TopologyReadiness readiness;

  /** Told about every finished operation (metrics). */
  @FunctionalInterface
  public interface OperationListener {
    void finished(Operation operation, long nanos);
  }

  public OperationRunner(
      TopologyRepository topologies,
      OperationLog operations,
      TopologyLocks locks,
      Duration lockWait,
      ExecutorService background,
      OperationHooks hooks,
      Clock clock,
      OperationListener listener,
      TopologyReadiness readiness) {
    this.readiness = readiness;
    this.topologies = topologies;
    this.operations = operations;
    this.locks = locks;
    this.lockWait = lockWait;
    this.background = background;
    this.hooks = hooks;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * Runs a verb that ends in its target state at once (see {@link #run(OperationRequest,
   * Operation.Verb, Map, boolean, Work)}).
   */
  public OperationResult run(
      OperationRequest request, Operation.Verb verb, Map<String, String> parameters, Work work) {
    return run(request, verb, parameters, false, () -> {}, work);
  }

  /**
   * As {@link #run(OperationRequest, Operation.Verb, Map, Work)}, with {@code refusal} run after an
   * idempotent replay was ruled out and before anything is locked or written: a request it refuses
   * (by throwing) leaves no operation, no history entry and no version change.
   */
  public OperationResult run(
      OperationRequest request,
      Operation.Verb verb,
      Map<String, String> parameters,
      Runnable refusal,
      Work work) {
    return run(request, verb, parameters, false, refusal, work);
  }

  /**
   * Runs a verb: replays an earlier answer of the same Idempotency-Key, runs {@code refusal} (which
   * refuses by throwing, before anything is locked or written), then, for a verb that needs the
   * topology ready ({@link TopologyTransitions#needsReady}), waits without the lock and recording
   * nothing while the topology settles; with {@code Prefer: respond-async} it is recorded at once
   * and waits in the background instead.
   *
   * @param settles whether the topology must become ready again after the work (a restart, a
   *     repack): it then stays in the verb's in-progress state, settling to the target state, until
   *     the status watcher sees every task running and the topology manager up
   */
  public OperationResult run(
      OperationRequest request,
      Operation.Verb verb,
      Map<String, String> parameters,
      boolean settles,
      Runnable refusal,
      Work work) {
    var earlier = earlierAnswer(request, verb, parameters);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    refusal.run();
    if (!request.async()) {
      readiness.await(request.key(), verb);
      return execute(request, verb, parameters, settles, work, null, null);
    }
    boolean waits = TopologyTransitions.needsReady(verb) && readiness.settling(request.key());
    Operation waiting = waits ? beginWaiting(request, verb, parameters) : null;
    if (waiting != null && waiting.ended()) {
      return replay(waiting);
    }
    CompletableFuture<Operation> begun = new CompletableFuture<>();
    Map<String, String> caller = MDC.getCopyOfContextMap();
    try {
      background.execute(
          () -> {
            if (caller != null) {
              MDC.setContextMap(caller);
            }
            try {
              if (waiting != null) {
                awaitThenExecute(request, verb, parameters, settles, work, waiting);
              } else {
                execute(request, verb, parameters, settles, work, begun, null);
              }
            } catch (RuntimeException | Error e) {
              begun.completeExceptionally(e);
            } finally {
              MDC.clear();
            }
          });
    } catch (RejectedExecutionException e) {
      if (waiting != null) {
        completeQuietly(
            waiting.rolledBack(
                clock.instant(),
                ProblemType.CONFLICT.suffix(),
                "The service was running as many background operations as it may"),
            e);
      }
      throw new BusyException(
          "The service is running as many background operations as it may; retry later", 5);
    }
    if (waiting != null) {
      return new OperationResult(waiting, null, true, false);
    }
    try {
      return new OperationResult(
          begun.get(lockWait.toMillis() + 30_000, TimeUnit.MILLISECONDS), null, true, false);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new DependencyTimeoutException(
          "The operation could not be started in time; retry with the same "
              + "Idempotency-Key to learn whether it started");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The work of a submit: creates the topology under the lock. */
  @FunctionalInterface
  public interface Creation {
    /**
     * @param operation the SUBMIT operation, not recorded yet: the creation records it together
     *     with the topology's intent and ends it together with the launch ({@link SubmitJournal})
     * @param idempotencyScope the scope its idempotency key is recorded in
     * @param intentRecorded to be called with the recorded operation once the intent is stored
     * @return the launch
     * @throws Unfinished when it left writes (or an Aurora job) that only the reconciler can
     *     resolve; any other exception means it undid its own writes before throwing
     * @throws IdempotencyKeyUsedException another request with the same key recorded its operation
     *     first (nothing of this one was written)
     */
    SubmitJournal.Launch create(
        Operation operation, String idempotencyScope, Consumer<Operation> intentRecorded);
  }

  /**
   * Runs a submit with the shared guarantees: idempotency replay, the topology's lock, a 409 when
   * the name is taken in the cluster, and the SUBMIT operation recorded with the intent, before
   * Aurora is asked. A failure before the intent is stored records no operation (nothing was
   * written); after it, the operation ends ROLLED_BACK.
   */
  public OperationResult runSubmit(
      OperationRequest request, Map<String, String> parameters, Creation creation) {
    var earlier = earlierAnswer(request, Operation.Verb.SUBMIT, parameters);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    TopologyKey key = request.key();
    String fingerprint = fingerprint(Operation.Verb.SUBMIT, key, parameters);
    long started = System.nanoTime();
    Operation[] recorded = {null};
    MDC.put("topology", key.path());
    try (TopologyLocks.Held ignored = locks.acquire(key, lockWait)) {
      var existing = topologies.find(key.cluster(), key.name());
      if (existing.isPresent()) {
        // A retry that waited for the lock while its first attempt submitted: that answer.
        var replayed = earlierAnswer(request, Operation.Verb.SUBMIT, parameters);
        if (replayed.isPresent()) {
          return replayed.get();
        }
        throw new ConflictException(
            "Topology '"
                + key.name()
                + "' already exists in cluster "
                + key.cluster()
                + " (as "
                + existing.get().key()
                + "); kill it first or choose another name",
            "name");
      }
      Operation operation =
          Operation.start(
                  Operation.Verb.SUBMIT,
                  key,
                  parameters,
                  request.requester(),
                  clock.instant(),
                  null,
                  TopologyTransitions.target(Operation.Verb.SUBMIT, null),
                  request.idempotencyKey())
              .withRequestFingerprint(fingerprint);
      MDC.put("operation", operation.id());
      try {
        SubmitJournal.Launch launch =
            creation.create(
                operation,
                request.scope(),
                begun -> {
                  recorded[0] = begun;
                  hooks.afterIntentRecorded(begun);
                });
        recorded[0] = launch.operation();
        return new OperationResult(launch.operation(), launch.record(), false, false);
      } catch (IdempotencyKeyUsedException raced) {
        return replay(
            sameRequest(
                operations.find(raced.operationId()).orElseThrow(() -> raced),
                request,
                fingerprint));
      } catch (Unfinished unfinished) {
        log.warn("Submit of {} left for the reconciler: {}", key, unfinished.getMessage());
        throw unfinished.failure();
      } catch (ControlPlaneException failure) {
        if (recorded[0] != null) {
          recorded[0] =
              completeQuietly(
                  recorded[0].rolledBack(clock.instant(), failure.type(), failure.getMessage()),
                  failure);
        }
        throw failure;
      } catch (
          RuntimeException
              failure) { // its writes are undone too: end it, so a retry is not answered 409
        log.error("Submit of {} failed unexpectedly; its writes were undone", key, failure);
        if (recorded[0] != null) {
          recorded[0] =
              completeQuietly(
                  recorded[0].rolledBack(
                      clock.instant(), ProblemType.INTERNAL_ERROR.suffix(), INTERNAL_ERROR_DETAIL),
                  failure);
        }
        throw failure;
      }
    } finally {
      finish(Operation.Verb.SUBMIT, key, recorded[0], started);
    }
  }

  private Operation completeQuietly(Operation ended, RuntimeException failure) {
    try {
      return operations.complete(ended);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      log.error("Could not record the end of operation {}; the reconciler will", ended.id(), e);
      return ended;
    }
  }

  private void finish(Operation.Verb verb, TopologyKey key, Operation operation, long started) {
    if (operation != null) {
      audit.info(
          "{} principal={} roles={} remote={} topology={} operation={} outcome={} durationMs={}",
          verb.name().toLowerCase(),
          operation.requester(),
          orUnknown(MDC.get("roles")),
          orUnknown(MDC.get("remote")),
          key.path(),
          operation.id(),
          operation.outcome(),
          (System.nanoTime() - started) / 1_000_000);
      if (operation.ended()) {
        listener.finished(operation, System.nanoTime() - started);
      }
    }
    MDC.remove("topology");
    MDC.remove("operation");
  }

  /**
   * Records an operation at once for a background verb that must wait for readiness: under the
   * lock, after the If-Match and state checks against the state the topology settles to. Returns an
   * ended operation when another request with the same Idempotency-Key won.
   */
  private Operation beginWaiting(
      OperationRequest request, Operation.Verb verb, Map<String, String> parameters) {
    TopologyKey key = request.key();
    try (TopologyLocks.Held ignored = locks.acquire(key, lockWait)) {
      TopologyRecord record = readChecked(request);
      TopologyTransitions.check(verb, TopologyTransitions.base(record));
      try {
        return operations.begin(
            Operation.start(
                    verb,
                    key,
                    parameters,
                    request.requester(),
                    clock.instant(),
                    record.state(),
                    TopologyTransitions.target(verb, TopologyTransitions.base(record)),
                    request.idempotencyKey())
                .withRequestFingerprint(fingerprint(verb, key, parameters)),
            request.scope());
      } catch (IdempotencyKeyUsedException raced) {
        return sameRequest(
            operations.find(raced.operationId()).orElseThrow(() -> raced),
            request,
            fingerprint(verb, key, parameters));
      }
    }
  }

  /** The background half of {@link #beginWaiting}: waits, then runs the recorded operation. */
  private void awaitThenExecute(
      OperationRequest request,
      Operation.Verb verb,
      Map<String, String> parameters,
      boolean settles,
      Work work,
      Operation waiting) {
    try {
      readiness.await(request.key(), verb);
    } catch (ControlPlaneException notReady) {
      Operation ended =
          completeQuietly(
              waiting.rolledBack(clock.instant(), notReady.type(), notReady.getMessage()),
              notReady);
      finish(verb, request.key(), ended, System.nanoTime());
      return;
    }
    execute(request, verb, parameters, settles, work, null, waiting);
  }

  /** The record read under the lock, checked against If-Match. */
  private TopologyRecord readChecked(OperationRequest request) {
    TopologyKey key = request.key();
    TopologyRecord record =
        topologies
            .read(key)
            .orElseThrow(() -> new NotFoundException("Topology " + key + " does not exist"));
    if (request.ifMatch() != null && !matches(request.ifMatch(), record)) {
      throw new PreconditionFailedException(
          "Topology "
              + key
              + " is at version \""
              + record.version()
              + "\", not "
              + request.ifMatch()
              + "; read it again and retry");
    }
    return record;
  }

  private OperationResult execute(
      OperationRequest request,
      Operation.Verb verb,
      Map<String, String> parameters,
      boolean settles,
      Work work,
      CompletableFuture<Operation> begun,
      Operation recorded) {
    TopologyKey key = request.key();
    long started = System.nanoTime();
    Operation operation = recorded;
    MDC.put("topology", key.path());
    if (recorded != null) {
      MDC.put("operation", recorded.id());
    }
    try (TopologyLocks.Held ignored = locks.acquire(key, lockWait)) {
      TopologyRecord record;
      try {
        record = readChecked(request);
        TopologyTransitions.checkRecord(verb, record);
      } catch (ControlPlaneException refused) {
        if (recorded != null) {
          operation =
              completeQuietly(
                  recorded.rolledBack(clock.instant(), refused.type(), refused.getMessage()),
                  refused);
        }
        throw refused;
      }
      TopologyRecord before = record;
      TopologyState target = TopologyTransitions.target(verb, TopologyTransitions.base(record));
      if (operation == null) {
        try {
          operation =
              operations.begin(
                  Operation.start(
                          verb,
                          key,
                          parameters,
                          request.requester(),
                          clock.instant(),
                          record.state(),
                          target,
                          request.idempotencyKey())
                      .withRequestFingerprint(fingerprint(verb, key, parameters)),
                  request.scope());
        } catch (IdempotencyKeyUsedException raced) {
          return replay(
              sameRequest(
                  operations.find(raced.operationId()).orElseThrow(() -> raced),
                  request,
                  fingerprint(verb, key, parameters)));
        }
        MDC.put("operation", operation.id());
      }
      TopologyState inProgress = TopologyTransitions.inProgress(verb);
      if (inProgress != null) {
        record = topologies.update(record.withState(inProgress, clock.instant(), operation.id()));
      }
      hooks.afterIntentRecorded(operation);
      if (begun != null) {
        begun.complete(operation);
      }
      try {
        TopologyRecord result = work.perform(operation, record);
        if (verb != Operation.Verb.KILL) {
          result =
              topologies.update(
                  settles && inProgress != null
                      ? result.settling(inProgress, target, clock.instant(), operation.id())
                      : result.withState(target, clock.instant(), operation.id()));
        }
        operation = operations.complete(operation.succeeded(clock.instant()));
        return new OperationResult(operation, result, false, false);
      } catch (Unfinished unfinished) {
        log.warn("{} of {} left for the reconciler: {}", verb, key, unfinished.getMessage());
        throw unfinished.failure();
      } catch (ControlPlaneException failure) {
        operation = rollBack(operation, before, failure);
        throw failure;
      }
    } finally {
      finish(verb, key, operation, started);
    }
  }

  /** Restores the state the topology had before the operation and records why it failed. */
  private Operation rollBack(
      Operation operation, TopologyRecord before, ControlPlaneException failure) {
    try {
      topologies
          .read(operation.key())
          .ifPresent(
              current ->
                  topologies.update(
                      current.settling(
                          before.state(), before.settlesTo(), clock.instant(), operation.id())));
      return operations.complete(
          operation.rolledBack(clock.instant(), failure.type(), failure.getMessage()));
    } catch (
        RuntimeException
            rollbackFailure) { // ZooKeeper failed too: leave it RUNNING for the reconciler
      failure.addSuppressed(rollbackFailure);
      log.error(
          "Could not roll back {} of {}; the reconciler will",
          operation.verb(),
          operation.key(),
          rollbackFailure);
      return operation;
    }
  }

  /**
   * The answer of an earlier request with the same Idempotency-Key in the same scope (method, path,
   * topology, principal), if any; 422 when that key was used for a different request (IETF
   * Idempotency-Key draft).
   */
  private java.util.Optional<OperationResult> earlierAnswer(
      OperationRequest request, Operation.Verb verb, Map<String, String> parameters) {
    if (request.idempotencyKey() == null) {
      return java.util.Optional.empty();
    }
    String fingerprint = fingerprint(verb, request.key(), parameters);
    return operations
        .findByIdempotencyKey(request.idempotencyKey(), request.scope())
        .map(earlier -> replay(sameRequest(earlier, request, fingerprint)));
  }

  /** The earlier operation, when it was started by the same request; 422 otherwise. */
  private static Operation sameRequest(
      Operation earlier, OperationRequest request, String fingerprint) {
    boolean same =
        earlier.requestFingerprint() == null
            ? earlier.verb().name().equals(fingerprintVerb(fingerprint))
            : earlier.requestFingerprint().equals(fingerprint);
    if (!same) {
      throw new io.heroncp.problems.InvalidFieldException(
          "Idempotency-Key '"
              + RequestBounds.excerpt(request.idempotencyKey())
              + "' was already used for a different request (operation "
              + earlier.id()
              + "); a retry must repeat the request exactly. Send a new key for a new request",
          "Idempotency-Key");
    }
    return earlier;
  }

  /**
   * A digest of what a request asks: the verb, the topology and its parameters (sorted), prefixed
   * with the verb so a record from before fingerprints can still be compared by verb.
   */
  static String fingerprint(Operation.Verb verb, TopologyKey key, Map<String, String> parameters) {
    StringBuilder canonical = new StringBuilder(verb.name()).append('\n').append(key.path());
    new java.util.TreeMap<>(parameters)
        .forEach((k, v) -> canonical.append('\n').append(k).append('=').append(v));
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(canonical.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return verb.name() + ":" + java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String fingerprintVerb(String fingerprint) {
    return fingerprint.substring(0, fingerprint.indexOf(':'));
  }

  /** The answer of the first request with this Idempotency-Key. */
  OperationResult replay(Operation earlier) {
    if (!earlier.ended()) {
      throw new BusyException(
          "The operation "
              + earlier.id()
              + " started with this Idempotency-Key is still "
              + "running; retry later or follow /api/v1/operations/"
              + earlier.id(),
          2);
    }
    if (earlier.error() != null) {
      throw ProblemType.rebuild(earlier.error().type(), earlier.error().detail());
    }
    TopologyRecord record = topologies.find(earlier.key()).orElse(null);
    return new OperationResult(earlier, record, false, true);
  }

  private static String orUnknown(String value) {
    return value == null ? "-" : value;
  }

  private static boolean matches(String ifMatch, TopologyRecord record) {
    String current = "\"" + record.version() + "\"";
    for (String tag : ifMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(current) || t.equals("W/" + current)) {
        return true;
      }
    }
    return false;
  }
}
