package io.heroncp.topology;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One lifecycle action on one topology, recorded in ZooKeeper from its start to its outcome, so
 * every change of a topology has a history and an interrupted action can be found and finished by
 * the reconciler. Immutable; the {@code with...}/{@code succeeded}/{@code failed} methods return
 * copies.
 *
 * @param id a random UUID
 * @param verb what was asked
 * @param key the topology
 * @param parameters the action's inputs worth keeping (e.g. {@code component=word, parallelism=3});
 *     never secrets
 * @param requester who asked (the authenticated user, or the role when there is none)
 * @param startedAt when the action started
 * @param endedAt when it ended; {@code null} while {@link Outcome#RUNNING}
 * @param outcome where it stands
 * @param error why it failed or was rolled back; {@code null} otherwise
 * @param previousState the topology's state before the action; {@code null} for a submit (no
 *     topology yet)
 * @param targetState the state the action leads to when it succeeds
 * @param idempotencyKey the client's {@code Idempotency-Key}, if it sent one
 * @param requestFingerprint a digest of what was asked (verb, topology, parameters), so a reused
 *     {@code Idempotency-Key} with another request is told apart from a retry; null for operations
 *     recorded before it existed
 * @param version the ZooKeeper version of the operation's node; not stored, filled when read or
 *     written
 */
public record Operation(
    String id,
    Verb verb,
    TopologyKey key,
    Map<String, String> parameters,
    String requester,
    Instant startedAt,
    Instant endedAt,
    Outcome outcome,
    Problem error,
    TopologyState previousState,
    TopologyState targetState,
    String idempotencyKey,
    String requestFingerprint,
    int version) {

  public Operation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(outcome, "outcome");
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }

  /** The lifecycle actions. */
  public enum Verb {
    SUBMIT,
    ACTIVATE,
    DEACTIVATE,
    RESTART,
    UPDATE,
    KILL,
    /**
     * Not asked by anyone: the service observed the topology fail (e.g. its Aurora job vanished)
     * and marked it FAILED; the history entry carries the reason.
     */
    FAIL
  }

  /** Where an operation stands; every value but RUNNING is final. */
  public enum Outcome {
    /**
     * Started and not yet ended, or its replica died before it ended (see {@code
     * OperationStore.unfinished}).
     */
    RUNNING,
    SUCCEEDED,
    /** Ended with an error; what had changed was left as it was (e.g. the topology is FAILED). */
    FAILED,
    /** Ended with an error and what it had changed was undone. */
    ROLLED_BACK
  }

  /**
   * Why an operation did not succeed, as the API reports it.
   *
   * @param type the problem type (the last segment of the problem type URI, e.g. {@code
   *     dependency-failed})
   * @param detail the problem detail (what happened and what to do next)
   */
  public record Problem(String type, String detail) {}

  /** A new RUNNING operation with a random id, not yet stored (version 0). */
  public static Operation start(
      Verb verb,
      TopologyKey key,
      Map<String, String> parameters,
      String requester,
      Instant startedAt,
      TopologyState previousState,
      TopologyState targetState,
      String idempotencyKey) {
    return new Operation(
        UUID.randomUUID().toString(),
        verb,
        key,
        parameters,
        requester,
        startedAt,
        null,
        Outcome.RUNNING,
        null,
        previousState,
        targetState,
        idempotencyKey,
        null,
        0);
  }

  /** Whether the operation has ended (any outcome but RUNNING). */
  public boolean ended() {
    return outcome != Outcome.RUNNING;
  }

  public Operation succeeded(Instant at) {
    return end(at, Outcome.SUCCEEDED, null);
  }

  public Operation failed(Instant at, String problemType, String detail) {
    return end(at, Outcome.FAILED, new Problem(problemType, detail));
  }

  public Operation rolledBack(Instant at, String problemType, String detail) {
    return end(at, Outcome.ROLLED_BACK, new Problem(problemType, detail));
  }

  /** A copy with another target state, e.g. a submit that turned out to start paused. */
  public Operation withTargetState(TopologyState newTarget) {
    return new Operation(
        id,
        verb,
        key,
        parameters,
        requester,
        startedAt,
        endedAt,
        outcome,
        error,
        previousState,
        newTarget,
        idempotencyKey,
        requestFingerprint,
        version);
  }

  /** A copy carrying the fingerprint of the request that started it. */
  public Operation withRequestFingerprint(String fingerprint) {
    return new Operation(
        id,
        verb,
        key,
        parameters,
        requester,
        startedAt,
        endedAt,
        outcome,
        error,
        previousState,
        targetState,
        idempotencyKey,
        fingerprint,
        version);
  }

  public Operation withVersion(int newVersion) {
    return new Operation(
        id,
        verb,
        key,
        parameters,
        requester,
        startedAt,
        endedAt,
        outcome,
        error,
        previousState,
        targetState,
        idempotencyKey,
        requestFingerprint,
        newVersion);
  }

  private Operation end(Instant at, Outcome newOutcome, Problem problem) {
    Objects.requireNonNull(at, "at");
    return new Operation(
        id,
        verb,
        key,
        parameters,
        requester,
        startedAt,
        at,
        newOutcome,
        problem,
        previousState,
        targetState,
        idempotencyKey,
        requestFingerprint,
        version);
  }
}
