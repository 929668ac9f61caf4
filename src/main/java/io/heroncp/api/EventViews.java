package io.heroncp.api;

import io.heroncp.topology.JobStatus;
import io.heroncp.topology.TopologyEvent;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyRecord;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The {@code data} of each event on the streams (schemas {@code *Event} of openapi.yaml): one JSON
 * object per event, snake_case, timestamps ISO-8601, null members left out.
 */
final class EventViews {

  private EventViews() {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record StateView(
      String key,
      String cluster,
      String role,
      String environment,
      String name,
      String state,
      String previousState,
      String settlesTo,
      TopologyViews.TopologyFailureView failure,
      String at,
      String lastOperationId) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ConditionsView(
      String key,
      String cluster,
      String role,
      String environment,
      String name,
      List<ConditionView> conditions) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ConditionView(
      String type, String status, String reason, String message, String lastTransitionTime) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record TasksView(
      String key,
      String cluster,
      String role,
      String environment,
      String name,
      boolean exists,
      Map<String, Integer> tasks,
      String observedAt,
      TopologyViews.FailureView lastFailure) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record OperationEventView(
      String key,
      String cluster,
      String role,
      String environment,
      String name,
      String phase,
      OperationViews.OperationView operation) {}

  record SnapshotView(List<SnapshotTopology> topologies) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record SnapshotTopology(
      String key,
      String cluster,
      String role,
      String environment,
      String name,
      String id,
      String state,
      String settlesTo,
      TopologyViews.TopologyFailureView failure,
      String updatedAt,
      String lastOperationId,
      List<ConditionView> conditions,
      Map<String, Integer> tasks,
      String observedAt) {}

  /** The data of one event. */
  static Object of(TopologyEvent event) {
    if (event instanceof TopologyEvent.State s) {
      return new StateView(
          s.key().path(),
          s.key().cluster(),
          s.key().role(),
          s.key().environment(),
          s.key().name(),
          s.state().name(),
          s.previous() == null ? null : s.previous().name(),
          s.settlesTo() == null ? null : s.settlesTo().name(),
          failure(s.failure()),
          time(s.at()),
          s.lastOperationId());
    }
    if (event instanceof TopologyEvent.Conditions c) {
      return new ConditionsView(
          c.key().path(),
          c.key().cluster(),
          c.key().role(),
          c.key().environment(),
          c.key().name(),
          conditions(c.conditions()));
    }
    if (event instanceof TopologyEvent.Tasks t) {
      return tasks(t.key(), t.job(), t.observedAt());
    }
    if (event instanceof TopologyEvent.OperationChange o) {
      return new OperationEventView(
          o.key().path(),
          o.key().cluster(),
          o.key().role(),
          o.key().environment(),
          o.key().name(),
          o.phase().name().toLowerCase(Locale.ROOT),
          OperationViews.of(o.operation()));
    }
    TopologyEvent.Snapshot snapshot = (TopologyEvent.Snapshot) event;
    return new SnapshotView(snapshot.topologies().stream().map(EventViews::topology).toList());
  }

  private static SnapshotTopology topology(TopologyEvent.Status s) {
    return new SnapshotTopology(
        s.key().path(),
        s.key().cluster(),
        s.key().role(),
        s.key().environment(),
        s.key().name(),
        s.topologyId(),
        s.state().name(),
        s.settlesTo() == null ? null : s.settlesTo().name(),
        failure(s.failure()),
        time(s.updatedAt()),
        s.lastOperationId(),
        conditions(s.conditions()),
        s.job() == null ? null : new TreeMap<>(s.job().tasksByStatus()),
        time(s.observedAt()));
  }

  private static TasksView tasks(TopologyKey key, JobStatus job, Instant observedAt) {
    JobStatus.TaskFailure last = job.lastFailure();
    return new TasksView(
        key.path(),
        key.cluster(),
        key.role(),
        key.environment(),
        key.name(),
        job.exists(),
        new TreeMap<>(job.tasksByStatus()),
        time(observedAt),
        last == null
            ? null
            : new TopologyViews.FailureView(
                last.instance(), last.taskId(), last.status(), last.message(), time(last.time())));
  }

  private static List<ConditionView> conditions(List<TopologyRecord.Condition> conditions) {
    return conditions.stream()
        .map(
            c ->
                new ConditionView(
                    c.type(), c.status(), c.reason(), c.message(), time(c.lastTransitionTime())))
        .toList();
  }

  private static TopologyViews.TopologyFailureView failure(TopologyRecord.Failure failure) {
    return failure == null
        ? null
        : new TopologyViews.TopologyFailureView(
            failure.reason(), failure.message(), time(failure.since()));
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
