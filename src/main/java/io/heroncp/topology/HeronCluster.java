package io.heroncp.topology;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the core needs of a configured cluster.
 *
 * @param defaultEnvironment used when a submit leaves the environment out
 * @param heronRoot Heron's state root in ZooKeeper
 * @param stateManagerConnection the connect string Heron's processes use; blank = the service's own
 * @param heronConfigDirectory packed into each package; null = the built-in defaults
 * @param heronConfig the cluster's Heron config keys
 */
public record HeronCluster(
    String name,
    String defaultEnvironment,
    String heronRoot,
    String stateManagerConnection,
    Path heronConfigDirectory,
    Map<String, String> heronConfig) {

  /**
   * The config a topology runs with, as Heron merges it: the cluster's keys, overridden by the
   * definition's, overridden by the submit's {@code heron.*} overrides. The one merge, for submit
   * and update alike.
   */
  public Map<String, String> effectiveConfig(
      Map<String, String> definitionConfig, Map<String, String> overrides) {
    Map<String, String> config = new LinkedHashMap<>(heronConfig);
    config.putAll(definitionConfig);
    config.putAll(overrides);
    return config;
  }
}
