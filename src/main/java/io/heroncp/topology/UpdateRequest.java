package io.heroncp.topology;

import java.util.List;
import java.util.Map;

/**
 * An update as heron-apiserver receives it: any of new component parallelism, a new container
 * count, runtime config; plus dry run.
 *
 * @param parallelism component name to its new parallelism ({@code component_parallelism=c:N},
 *     repeatable)
 * @param containerNumber the new number of Heron containers ({@code container_number}), or null
 * @param runtimeConfig {@code [component:]key:value} entries for the topology manager ({@code
 *     runtime_config})
 * @param dryRun render only
 * @param dryRunFormat {@code json} (default) or {@code table}
 */
public record UpdateRequest(
    Map<String, Integer> parallelism,
    Integer containerNumber,
    List<String> runtimeConfig,
    boolean dryRun,
    String dryRunFormat) {

  public UpdateRequest {
    parallelism = Map.copyOf(parallelism);
    runtimeConfig = List.copyOf(runtimeConfig);
  }

  /** Whether the update repacks the topology (parallelism or container count). */
  public boolean repacks() {
    return !parallelism.isEmpty() || containerNumber != null;
  }
}
