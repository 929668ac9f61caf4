package io.heroncp.topology;

import io.heroncp.heron.PackingPlan;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The control plane's own record of one topology, kept in ZooKeeper next to Heron's state nodes.
 *
 * @param key cluster, role, environment and name
 * @param topologyId Heron's topology id (name + UUID, from the definition)
 * @param state the control plane state
 * @param initiallyPaused whether it was submitted deactivated
 * @param submitter the submitting user (Aurora owner)
 * @param submittedAt when the submit was accepted
 * @param updatedAt the last change of this record
 * @param components each component with its parallelism
 * @param packing summary of the packing plan as scheduled
 * @param auroraJob the Aurora job key {@code cluster/role/environment/name}
 * @param topologyPackage the topology package handed to Aurora
 * @param topologyBinaryFile the topology binary's file name inside the package
 * @param configOverrides the submit's Heron config overrides (kept for later repacking)
 * @param lastOperationId the id of the last operation that changed the record
 * @param failure why the topology is FAILED, or null (older records and other states)
 * @param conditions the observed conditions (Kubernetes style), empty before the first observation
 * @param settlesTo while STARTING, RESTARTING or UPDATING after the operation that led there ended:
 *     the state the topology takes once every task runs and the topology manager is up (RUNNING or
 *     PAUSED); null otherwise (then a RESTARTING/UPDATING topology has its operation in flight)
 * @param version the ZooKeeper version of the record node (not stored; filled when read)
 */
public record TopologyRecord(
    TopologyKey key,
    String topologyId,
    TopologyState state,
    boolean initiallyPaused,
    String submitter,
    Instant submittedAt,
    Instant updatedAt,
    List<ComponentSummary> components,
    PackingSummary packing,
    String auroraJob,
    PackageRef topologyPackage,
    String topologyBinaryFile,
    Map<String, String> configOverrides,
    String lastOperationId,
    Failure failure,
    List<Condition> conditions,
    TopologyState settlesTo,
    int version) {

  public TopologyRecord {
    components = List.copyOf(components);
    configOverrides = configOverrides == null ? Map.of() : Map.copyOf(configOverrides);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  /** A copy in {@code newState}, final (not settling). */
  public TopologyRecord withState(TopologyState newState, Instant at, String operationId) {
    return new TopologyRecord(
        key,
        topologyId,
        newState,
        initiallyPaused,
        submitter,
        submittedAt,
        at,
        components,
        packing,
        auroraJob,
        topologyPackage,
        topologyBinaryFile,
        configOverrides,
        operationId,
        failure,
        conditions,
        null,
        version);
  }

  public TopologyRecord withVersion(int newVersion) {
    return new TopologyRecord(
        key,
        topologyId,
        state,
        initiallyPaused,
        submitter,
        submittedAt,
        updatedAt,
        components,
        packing,
        auroraJob,
        topologyPackage,
        topologyBinaryFile,
        configOverrides,
        lastOperationId,
        failure,
        conditions,
        settlesTo,
        newVersion);
  }

  /** A copy after a repack: new component parallelism and packing summary. */
  public TopologyRecord withPacking(
      List<ComponentSummary> newComponents, PackingSummary newPacking) {
    return new TopologyRecord(
        key,
        topologyId,
        state,
        initiallyPaused,
        submitter,
        submittedAt,
        updatedAt,
        newComponents,
        newPacking,
        auroraJob,
        topologyPackage,
        topologyBinaryFile,
        configOverrides,
        lastOperationId,
        failure,
        conditions,
        settlesTo,
        version);
  }

  /** A copy that is FAILED for this reason, changed at {@code failure.since()}. */
  public TopologyRecord failed(Failure newFailure) {
    return new TopologyRecord(
        key,
        topologyId,
        TopologyState.FAILED,
        initiallyPaused,
        submitter,
        submittedAt,
        newFailure.since(),
        components,
        packing,
        auroraJob,
        topologyPackage,
        topologyBinaryFile,
        configOverrides,
        lastOperationId,
        newFailure,
        conditions,
        null,
        version);
  }

  /** A copy with these conditions. */
  public TopologyRecord withConditions(List<Condition> newConditions) {
    return new TopologyRecord(
        key,
        topologyId,
        state,
        initiallyPaused,
        submitter,
        submittedAt,
        updatedAt,
        components,
        packing,
        auroraJob,
        topologyPackage,
        topologyBinaryFile,
        configOverrides,
        lastOperationId,
        failure,
        newConditions,
        settlesTo,
        version);
  }

  /**
   * A copy in {@code newState} that becomes {@code newSettlesTo} once ready (null: it is final).
   */
  public TopologyRecord settling(
      TopologyState newState, TopologyState newSettlesTo, Instant at, String operationId) {
    return new TopologyRecord(
        key,
        topologyId,
        newState,
        initiallyPaused,
        submitter,
        submittedAt,
        at,
        components,
        packing,
        auroraJob,
        topologyPackage,
        topologyBinaryFile,
        configOverrides,
        operationId,
        failure,
        conditions,
        newSettlesTo,
        version);
  }

  /** Whether the topology waits for its tasks and topology manager, no operation in flight. */
  public boolean isSettling() {
    return settlesTo != null;
  }

  /** The condition of this type, if observed. */
  public java.util.Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
  }

  /**
   * One observed condition, as Kubernetes reports them.
   *
   * @param type e.g. {@code AuroraTasksRunning}
   * @param status {@code True}, {@code False} or {@code Unknown}
   * @param reason a short CamelCase reason
   * @param message what was seen, for people
   * @param lastTransitionTime when {@code status} last changed
   */
  public record Condition(
      String type, String status, String reason, String message, Instant lastTransitionTime) {}

  /**
   * Why a topology is FAILED.
   *
   * @param reason a short CamelCase reason, e.g. {@code AuroraJobVanished}
   * @param message what happened and what to do next
   * @param since when the topology became FAILED
   */
  public record Failure(String reason, String message, Instant since) {}

  /** A spout or bolt and its parallelism. */
  public record ComponentSummary(String name, String kind, int parallelism) {}

  /**
   * The packing plan as scheduled: Heron containers (the Aurora job has one more instance, 0, for
   * the topology manager), instances, and the resources every Aurora instance gets.
   */
  public record PackingSummary(
      String id,
      int containers,
      int instances,
      int auroraInstances,
      double cpuPerContainer,
      long ramBytesPerContainer,
      long diskBytesPerContainer) {

    /**
     * The summary of a packing plan; Aurora runs one instance more: container 0, the topology
     * manager.
     */
    static PackingSummary of(PackingPlan packing) {
      var size = packing.maxScheduledResources();
      int instances = packing.containers().stream().mapToInt(c -> c.instances().size()).sum();
      return new PackingSummary(
          packing.id(),
          packing.containerCount(),
          instances,
          packing.containerCount() + 1,
          size.cpu(),
          size.ramBytes(),
          size.diskBytes());
    }
  }

  /** A package in the package store: digest, file name, size and the URI Aurora's agents fetch. */
  public record PackageRef(String sha256, String fileName, long size, URI uri) {}
}
