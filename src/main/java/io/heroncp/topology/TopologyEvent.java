package io.heroncp.topology;

import java.time.Instant;
import java.util.List;

/**
 * A change of a topology that watchers are told about (the {@code events} streams): its state, its
 * conditions, its observed Aurora tasks, an operation on it; or a snapshot of every watched
 * topology, when a client cannot resume from where it was.
 */
public sealed interface TopologyEvent {

  /** The event's name on the stream: {@code state}, {@code conditions}, ... */
  String kind();

  /** The topology it is about (null for a snapshot). */
  TopologyKey key();

  /**
   * The state changed (or the state it settles to, or the failure): a topology recorded ({@code
   * previous} null), a change, or KILLED when its record was removed.
   *
   * @param at when the record changed (or was seen removed)
   */
  record State(
      TopologyKey key,
      TopologyState state,
      TopologyState previous,
      TopologyState settlesTo,
      TopologyRecord.Failure failure,
      Instant at,
      String lastOperationId)
      implements TopologyEvent {
    @Override
    public String kind() {
      return "state";
    }
  }

  /** The topology's conditions changed; all of them. */
  record Conditions(TopologyKey key, List<TopologyRecord.Condition> conditions)
      implements TopologyEvent {
    public Conditions {
      conditions = List.copyOf(conditions);
    }

    @Override
    public String kind() {
      return "conditions";
    }
  }

  /** The status watcher saw other Aurora tasks than before (or saw them for the first time). */
  record Tasks(TopologyKey key, JobStatus job, Instant observedAt) implements TopologyEvent {
    @Override
    public String kind() {
      return "tasks";
    }
  }

  /** An operation on the topology started or ended (on any replica). */
  record OperationChange(Phase phase, Operation operation) implements TopologyEvent {
    @Override
    public String kind() {
      return "operation";
    }

    @Override
    public TopologyKey key() {
      return operation.key();
    }
  }

  /** Whether an operation started or ended. */
  enum Phase {
    STARTED,
    ENDED
  }

  /** Everything known now of every topology the stream watches. */
  record Snapshot(List<Status> topologies) implements TopologyEvent {
    public Snapshot {
      topologies = List.copyOf(topologies);
    }

    @Override
    public String kind() {
      return "snapshot";
    }

    @Override
    public TopologyKey key() {
      return null;
    }
  }

  /**
   * One topology as the events so far describe it.
   *
   * @param job the last observed Aurora tasks, or null before the first observation
   * @param observedAt when {@code job} was observed, or null
   */
  record Status(
      TopologyKey key,
      String topologyId,
      Instant submittedAt,
      int version,
      TopologyState state,
      TopologyState settlesTo,
      TopologyRecord.Failure failure,
      Instant updatedAt,
      String lastOperationId,
      List<TopologyRecord.Condition> conditions,
      JobStatus job,
      Instant observedAt) {

    static Status of(TopologyRecord record, JobStatus job, Instant observedAt) {
      return new Status(
          record.key(),
          record.topologyId(),
          record.submittedAt(),
          record.version(),
          record.state(),
          record.settlesTo(),
          record.failure(),
          record.updatedAt(),
          record.lastOperationId(),
          record.conditions(),
          job,
          observedAt);
    }

    Status observed(JobStatus newJob, Instant at) {
      return new Status(
          key,
          topologyId,
          submittedAt,
          version,
          state,
          settlesTo,
          failure,
          updatedAt,
          lastOperationId,
          conditions,
          newJob,
          at);
    }

    /** Whether {@code record} is this topology (not a later one of the same name). */
    boolean sameTopology(TopologyRecord record) {
      return topologyId.equals(record.topologyId()) && submittedAt.equals(record.submittedAt());
    }
  }
}
