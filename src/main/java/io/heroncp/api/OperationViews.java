package io.heroncp.api;

import io.heroncp.problems.ProblemType;
import io.heroncp.topology.Operation;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** JSON answers about operations (schema {@code Operation} of openapi.yaml). */
final class OperationViews {

  private OperationViews() {}

  /** {@code parameters} are the verb's form fields as given (free-form strings). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record OperationView(
      String id,
      String verb,
      String cluster,
      String role,
      String environment,
      String name,
      Map<String, String> parameters,
      String requester,
      String startedAt,
      String endedAt,
      String outcome,
      ErrorView error,
      String previousState,
      String targetState)
      implements TopologyViews.VerbAnswer {}

  record ErrorView(String type, String detail) {}

  record History(String key, List<OperationView> operations) {}

  static OperationView of(Operation operation) {
    Operation.Problem error = operation.error();
    return new OperationView(
        operation.id(),
        operation.verb().name(),
        operation.key().cluster(),
        operation.key().role(),
        operation.key().environment(),
        operation.key().name(),
        operation.parameters(),
        operation.requester(),
        operation.startedAt().toString(),
        operation.endedAt() == null ? null : operation.endedAt().toString(),
        operation.outcome().name(),
        error == null
            ? null
            : new ErrorView(
                ProblemType.URI_PREFIX + error.type(),
                error.detail() == null ? "" : error.detail()),
        operation.previousState() == null ? null : operation.previousState().name(),
        operation.targetState() == null ? null : operation.targetState().name());
  }
}
