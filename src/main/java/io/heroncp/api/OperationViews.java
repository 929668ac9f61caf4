package io.heroncp.api;

import io.heroncp.topology.Operation;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON views of operations. */
final class OperationViews {

  private OperationViews() {}

  static Map<String, Object> of(Operation operation) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", operation.id());
    view.put("verb", operation.verb().name());
    view.put("cluster", operation.key().cluster());
    view.put("role", operation.key().role());
    view.put("environment", operation.key().environment());
    view.put("name", operation.key().name());
    view.put("parameters", operation.parameters());
    view.put("requester", operation.requester());
    view.put("started_at", operation.startedAt().toString());
    view.put("ended_at", operation.endedAt() == null ? null : operation.endedAt().toString());
    view.put("outcome", operation.outcome().name());
    if (operation.error() != null) {
      view.put("error", Map.of("type", ProblemHandler.TYPE_PREFIX + operation.error().type(),
          "detail", operation.error().detail() == null ? "" : operation.error().detail()));
    }
    view.put("previous_state", operation.previousState() == null ? null : operation.previousState().name());
    view.put("target_state", operation.targetState() == null ? null : operation.targetState().name());
    return view;
  }
}
