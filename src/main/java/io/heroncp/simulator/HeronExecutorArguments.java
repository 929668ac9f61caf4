package io.heroncp.simulator;

import io.heroncp.aurora.AuroraJobFactory;
import io.heroncp.aurora.thrift.Metadata;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.heron.HeronPaths;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a Heron job's container 0 would learn from its {@code heron-executor} command line: the
 * topology name, id and Heron state root, read from the {@code launch_heron_executor} process of
 * the Thermos task in {@code TaskConfig.executorConfig.data} (as {@link AuroraJobFactory} writes
 * it). Pure; thread-safe.
 */
record HeronExecutorArguments(String topologyName, String topologyId, HeronPaths paths) {

  static final String EXECUTOR_PROCESS = "launch_heron_executor";

  /**
   * The arguments of a task made by this service, or empty for any other task (no Thermos JSON, no
   * {@code launch_heron_executor} process, or a command line without {@code --topology-name=} and
   * {@code --state-manager-root=}). The id comes from {@code --topology-id=}, else from the {@code
   * heron.topology.id} metadata.
   */
  static Optional<HeronExecutorArguments> of(TaskConfig task) {
    String commandLine =
        ThermosExecutorData.of(task).map(HeronExecutorArguments::commandLine).orElse(null);
    if (commandLine == null) {
      return Optional.empty();
    }
    String name = flag(commandLine, "--topology-name=");
    String id = flag(commandLine, "--topology-id=");
    String root = flag(commandLine, "--state-manager-root=");
    if (id == null && task.getMetadata() != null) {
      id =
          task.getMetadata().stream()
              .filter(metadata -> AuroraJobFactory.TOPOLOGY_ID_METADATA.equals(metadata.getKey()))
              .map(Metadata::getValue)
              .findFirst()
              .orElse(null);
    }
    if (name == null || id == null || root == null || !root.startsWith("/")) {
      return Optional.empty();
    }
    return Optional.of(new HeronExecutorArguments(name, id, new HeronPaths(root)));
  }

  private static String commandLine(JsonNode root) {
    for (JsonNode process : root.findParents("cmdline")) {
      if (EXECUTOR_PROCESS.equals(process.path("name").asString(null))) {
        return process.path("cmdline").asString(null);
      }
    }
    return null;
  }

  private static String flag(String commandLine, String prefix) {
    for (String token : commandLine.trim().split("\\s+")) {
      if (token.startsWith(prefix) && token.length() > prefix.length()) {
        return token.substring(prefix.length());
      }
    }
    return null;
  }
}
