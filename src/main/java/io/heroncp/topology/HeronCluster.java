package io.heroncp.topology;

import java.nio.file.Path;
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
public record HeronCluster(String name, String defaultEnvironment, String heronRoot, String stateManagerConnection,
    Path heronConfigDirectory, Map<String, String> heronConfig) {}
