package io.heroncp.simulator;

import io.heroncp.aurora.AuroraJson;
import io.heroncp.aurora.thrift.TaskConfig;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the Thermos configuration in a task's {@code executorConfig.data}, with {@link
 * AuroraJson}'s mapper (the simulator reads what Aurora's client wrote, not what Spring's web layer
 * is configured for).
 */
final class ThermosExecutorData {

  private static final JsonMapper JSON = AuroraJson.MAPPER;

  private ThermosExecutorData() {}

  /** The parsed executor data, or empty when the task has none or it is not JSON. */
  static Optional<JsonNode> of(TaskConfig task) {
    if (task == null
        || task.getExecutorConfig() == null
        || task.getExecutorConfig().getData() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(task.getExecutorConfig().getData()));
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }
}
