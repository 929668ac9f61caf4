package io.heroncp.topology;

import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.MalformedRequestException;
import io.heroncp.problems.PayloadTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/**
 * Checks a submit before anything is written: identifiers by the cluster's scheduler rules, the
 * definition against the given name, the topology file name; then merges the effective config
 * (cluster, definition, overrides) and packs the topology. Shared by submit and its dry run, so
 * both refuse the same requests.
 */
final class SubmitPreparation {

  private static final long MAX_DEFINITION_BYTES = 64L * 1024 * 1024;

  private final TopologyClusters clusters;
  private final DefinitionReader definitions;
  private final RoundRobinPacking packing;
  private final SchedulerDirectory schedulers;
  private final RequestBounds bounds;

  SubmitPreparation(
      TopologyClusters clusters,
      DefinitionReader definitions,
      RoundRobinPacking packing,
      SchedulerDirectory schedulers,
      RequestBounds bounds) {
    this.bounds = bounds;
    this.clusters = clusters;
    this.definitions = definitions;
    this.packing = packing;
    this.schedulers = schedulers;
  }

  /** A checked submit: where it goes, as whom, what runs, with which config and packing. */
  record Prepared(
      TopologyKey key,
      HeronCluster cluster,
      String user,
      TopologyDefinition definition,
      Map<String, String> config,
      PackingPlan packing,
      String binaryName) {

    JobRequest jobRequest(URI packageUri) {
      return new JobRequest(key, user, definition, packing, packageUri, binaryName, config);
    }
  }

  Prepared prepare(SubmitCommand command) {
    RequestBounds.identifier("cluster", command.cluster());
    HeronCluster cluster = clusters.heronCluster(command.cluster());
    TopologyScheduler scheduler = schedulers.forCluster(command.cluster());
    String environment =
        command.environment() == null ? cluster.defaultEnvironment() : command.environment();
    String user = command.user() == null ? command.role() : command.user();
    scheduler.checkIdentifier("name", command.name());
    scheduler.checkIdentifier("role", command.role());
    scheduler.checkIdentifier("environment", environment);
    try {
      scheduler.checkIdentifier("user", user);
    } catch (InvalidFieldException e) {
      throw command.user() == null
          ? e
          : new InvalidFieldException(e.getMessage() + Requester.PRINCIPAL_CLAIM_HINT, "user", e);
    }
    if (command.name().contains(".")) {
      throw new InvalidFieldException(
          "name must not contain '.' (a Heron topology name rule)", "name");
    }
    scheduler.checkEnvironment(environment);
    bounds.overrides(command.overrides());
    String binaryName = binaryName(command.topology());
    TopologyFileCheck.check(binaryName, command.topology());
    TopologyDefinition definition = definitions.read(readDefinition(command.definition()));
    if (!definition.name().equals(command.name())) {
      throw new InvalidFieldException(
          "name '"
              + command.name()
              + "' does not match the definition's topology name '"
              + definition.name()
              + "'",
          "name");
    }
    Map<String, String> config = cluster.effectiveConfig(definition.config(), command.overrides());
    bounds.packing(definition, config);
    PackingPlan plan = packing.pack(definition, config).withHomogeneousScheduledResources();
    TopologyKey key =
        new TopologyKey(command.cluster(), command.role(), environment, command.name());
    return new Prepared(key, cluster, user, definition, config, plan, binaryName);
  }

  private static byte[] readDefinition(Upload definition) {
    try (InputStream in = definition.content().open()) {
      byte[] bytes = in.readNBytes((int) MAX_DEFINITION_BYTES + 1);
      if (bytes.length > MAX_DEFINITION_BYTES) {
        throw new PayloadTooLargeException(
            "definition is larger than " + MAX_DEFINITION_BYTES + " bytes", "definition");
      }
      return bytes;
    } catch (IOException e) {
      throw new MalformedRequestException(
          "definition could not be read: " + e.getMessage(), "definition", e);
    }
  }

  /**
   * The topology file's own name, which the executor runs; a plain name with a Heron binary's
   * extension.
   */
  private static String binaryName(Upload topology) {
    String name = topology.fileName() == null ? "" : topology.fileName();
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    if (!name.matches("^[A-Za-z0-9._-]+$")
        || name.equals(".")
        || name.equals("..")
        || !name.matches(".*\\.(jar|tar|tar\\.gz|pex|so|dylib)$")) {
      throw new InvalidFieldException(
          "topology file name '"
              + topology.fileName()
              + "' must be a plain file name ending in .jar, .tar, .tar.gz, .pex, .so or .dylib",
          "topology");
    }
    return name;
  }
}
