package io.heroncp.cluster;

import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.HeronCluster;
import io.heroncp.topology.TopologyClusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The configured clusters, checked once at startup so a wrong setting stops the service with a
 * message that says what to fix, instead of failing the first submit.
 */
public class ClusterRegistry implements TopologyClusters {

  private final Map<String, ClusterProperties> clusters;
  private final Map<String, Pattern> environments = new TreeMap<>();

  /**
   * @param clusters the configured clusters
   * @param discoveredElsewhere clusters whose scheduler discovery comes from Aurora's clusters.json
   */
  public ClusterRegistry(Map<String, ClusterProperties> clusters, Set<String> discoveredElsewhere) {
    this.clusters = new TreeMap<>(clusters);
    List<String> problems = new ArrayList<>();
    if (this.clusters.isEmpty()) {
      problems.add(
          "no cluster is configured: add heroncp.clusters.<name> with a scheduler and a core-package-uri");
    }
    this.clusters.forEach(
        (name, cluster) -> {
          String prefix = "heroncp.clusters." + name + ".";
          if (!name.matches("^[\\w\\-\\.]+$")) {
            problems.add(
                prefix
                    + ": the cluster name must match ^[\\w\\-\\.]+$ (it is the Aurora cluster name)");
          }
          boolean url = cluster.scheduler().url() != null;
          boolean zk =
              cluster.scheduler().zookeeper() != null && !cluster.scheduler().zookeeper().isBlank();
          if (url && zk || !url && !zk && !discoveredElsewhere.contains(name)) {
            problems.add(
                prefix
                    + "scheduler: set exactly one of scheduler.url (static) or scheduler.zookeeper "
                    + "(serverset discovery with scheduler.zookeeper-path), or list the cluster in heroncp.aurora-clusters-json");
          }
          if ((cluster.scheduler().username() == null)
              != (cluster.scheduler().password() == null)) {
            problems.add(
                prefix
                    + "scheduler: set both username and password for HTTP basic auth, or neither");
          }
          try {
            environments.put(name, Pattern.compile(cluster.allowedEnvironments()));
            if (!environments.get(name).matcher(cluster.defaultEnvironment()).matches()) {
              problems.add(
                  prefix
                      + "default-environment '"
                      + cluster.defaultEnvironment()
                      + "' does not match allowed-environments "
                      + cluster.allowedEnvironments());
            }
          } catch (PatternSyntaxException e) {
            problems.add(
                prefix
                    + "allowed-environments is not a valid regular expression: "
                    + e.getDescription());
          }
          if (!cluster.heronRoot().startsWith("/") || cluster.heronRoot().endsWith("/")) {
            problems.add(
                prefix
                    + "heron-root must be an absolute znode path without a trailing /, e.g. /heron");
          }
        });
    failOn(problems);
  }

  /**
   * Fails when a cluster's {@code heron-config-directory} is set but is not a readable directory on
   * this host, so a missing mount stops the service at startup instead of failing every submit to
   * that cluster.
   *
   * @return this registry
   * @throws IllegalStateException naming each such setting and what to do
   */
  public ClusterRegistry requireConfigDirectories() {
    List<String> problems = new ArrayList<>();
    clusters.forEach(
        (name, cluster) -> {
          java.nio.file.Path directory = cluster.heronConfigDirectory();
          if (directory != null
              && !(java.nio.file.Files.isDirectory(directory)
                  && java.nio.file.Files.isReadable(directory))) {
            problems.add(
                "heroncp.clusters."
                    + name
                    + ".heron-config-directory: "
                    + directory.toAbsolutePath()
                    + " is not a readable directory on this host; mount Heron's cluster config there, or leave the setting"
                    + " out to use the built-in defaults");
          }
        });
    failOn(problems);
    return this;
  }

  private static void failOn(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Invalid cluster configuration:\n  - " + String.join("\n  - ", problems));
    }
  }

  /** The cluster's settings, or 422 naming the known clusters. */
  public ClusterProperties require(String name) {
    ClusterProperties cluster = name == null ? null : clusters.get(name);
    if (cluster == null) {
      throw new InvalidFieldException(
          "Unknown cluster '"
              + name
              + "'; this service manages "
              + String.join(", ", clusters.keySet()),
          "cluster");
    }
    return cluster;
  }

  @Override
  public HeronCluster heronCluster(String name) {
    ClusterProperties cluster = require(name);
    return new HeronCluster(
        name,
        cluster.defaultEnvironment(),
        cluster.heronRoot(),
        cluster.stateManagerConnection(),
        cluster.heronConfigDirectory(),
        cluster.heronConfig());
  }

  /** Whether the environment is allowed in this (known) cluster. */
  public boolean environmentAllowed(String cluster, String environment) {
    return environments.get(cluster).matcher(environment).matches();
  }

  @Override
  public java.util.Set<String> names() {
    return all().keySet();
  }

  public Map<String, ClusterProperties> all() {
    return clusters;
  }
}
