package io.heroncp.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonValue;
import io.heroncp.heron.ContainerPlan;
import io.heroncp.heron.InstancePlan;
import io.heroncp.heron.PackingPlan;
import io.heroncp.topology.JobStatus;
import io.heroncp.topology.TopologyLifecycle.Description;
import io.heroncp.topology.TopologyLifecycle.DryRun;
import io.heroncp.topology.TopologyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * JSON answers about topologies (schemas {@code Topology}, {@code DryRun} and {@code UpdateDryRun}
 * of openapi.yaml). Keeps heron-apiserver's members ({@code name}, {@code cluster}, {@code role},
 * {@code environment}; {@code response} for dry runs) that Heron's CLI reads. Null members are left
 * out ({@code spring.jackson.default-property-inclusion}).
 */
final class TopologyViews {

  private TopologyViews() {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record TopologyView(
      String name,
      String cluster,
      String role,
      String environment,
      String key,
      String id,
      String state,
      boolean initiallyPaused,
      String submitter,
      String submittedAt,
      String updatedAt,
      List<ComponentView> components,
      PackingView packingPlan,
      AuroraView aurora,
      @com.fasterxml.jackson.annotation.JsonProperty("package") PackageView topologyPackage,
      String lastOperationId,
      TopologyFailureView failure,
      String settlesTo,
      List<ConditionView> conditions) {}

  /** A condition, as Kubernetes reports them. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ConditionView(
      String type, String status, String reason, String message, String lastTransitionTime) {}

  /** Why the topology is FAILED. */
  record TopologyFailureView(String reason, String message, String since) {}

  record ComponentView(String name, String kind, int parallelism) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record PackingView(String id, int containers, int instances, ResourcesView perContainer) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ResourcesView(double cpu, long ramBytes, long diskBytes) {}

  /**
   * {@code observation}, {@code observed_at}, {@code tasks}, {@code last_failure} and {@code error}
   * only on GET of one topology, from the status watcher's memory.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record AuroraView(
      String jobKey,
      int instances,
      String observation,
      String observedAt,
      Map<String, Integer> tasks,
      FailureView lastFailure,
      String error) {}

  /** Not observed yet (no counts), observed (the latest poll succeeded), or stale (it failed). */
  static final String PENDING = "PENDING";

  static final String CURRENT = "CURRENT";
  static final String STALE = "STALE";

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record FailureView(int instance, String taskId, String status, String message, String time) {}

  record PackageView(String sha256, String file, long size, String uri) {}

  /** GET of one topology; {@code stale} only while ZooKeeper is unreachable. */
  record Described(@JsonUnwrapped TopologyView topology, Boolean stale) {}

  /** The submit's 201. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Submitted(@JsonUnwrapped TopologyView topology, String operationId) {}

  /**
   * A verb done: the topology (when it still has a record), heron-apiserver's message and the
   * operation.
   */
  record VerbDone(
      @JsonUnwrapped TopologyView topology, String message, OperationViews.OperationView operation)
      implements VerbAnswer {}

  /** What a verb answers: done (200), or the operation going on in the background (202). */
  sealed interface VerbAnswer permits VerbDone, OperationViews.OperationView {}

  /**
   * One page of the list, each topology a {@link TopologyView} rendered beforehand ({@link
   * RenderedViews}); {@code next_page_token} absent on the last page.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record TopologyPage(List<PreRenderedJson> topologies, String nextPageToken, Boolean stale) {}

  /**
   * A dry run of a submit or an update: the rendering in {@code response}, text or structured by
   * format.
   */
  /** {@code warnings} only when there are some. */
  record DryRunView(
      String name,
      String cluster,
      String role,
      String environment,
      String format,
      Rendering response,
      List<String> warnings) {}

  sealed interface Rendering permits TextRendering, SubmitRendering, UpdateRendering {}

  record TextRendering(@JsonValue String text) implements Rendering {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  /** The job configuration is the Aurora adapter's JSON rendering, embedded as it is. */
  record SubmitRendering(List<PackedContainer> packingPlan, @JsonRawValue String jobConfiguration)
      implements Rendering {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record UpdateRendering(
      List<PackedContainer> currentPackingPlan,
      List<PackedContainer> proposedPackingPlan,
      List<String> calls)
      implements Rendering {}

  record PackedContainer(
      int id, ResourcesView required, ResourcesView scheduled, List<PackedInstance> instances) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record PackedInstance(
      String component,
      int taskId,
      int componentIndex,
      double cpu,
      long ramBytes,
      long diskBytes) {}

  static TopologyView of(TopologyRecord record, Description live) {
    TopologyRecord.PackingSummary packing = record.packing();
    AuroraView aurora =
        new AuroraView(record.auroraJob(), packing.auroraInstances(), null, null, null, null, null);
    if (live != null) {
      JobStatus job = live.job();
      JobStatus.TaskFailure failure = job == null ? null : job.lastFailure();
      aurora =
          new AuroraView(
              record.auroraJob(),
              packing.auroraInstances(),
              live.schedulerError() != null ? STALE : live.observedAt() == null ? PENDING : CURRENT,
              live.observedAt() == null ? null : live.observedAt().toString(),
              job == null ? null : new TreeMap<>(job.tasksByStatus()),
              failure == null
                  ? null
                  : new FailureView(
                      failure.instance(),
                      failure.taskId(),
                      failure.status(),
                      failure.message(),
                      failure.time().toString()),
              live.schedulerError());
    }
    TopologyRecord.PackageRef stored = record.topologyPackage();
    return new TopologyView(
        record.key().name(),
        record.key().cluster(),
        record.key().role(),
        record.key().environment(),
        record.key().path(),
        record.topologyId(),
        record.state().name(),
        record.initiallyPaused(),
        record.submitter(),
        record.submittedAt().toString(),
        record.updatedAt().toString(),
        record.components().stream()
            .map(c -> new ComponentView(c.name(), c.kind(), c.parallelism()))
            .toList(),
        new PackingView(
            packing.id(),
            packing.containers(),
            packing.instances(),
            new ResourcesView(
                packing.cpuPerContainer(),
                packing.ramBytesPerContainer(),
                packing.diskBytesPerContainer())),
        aurora,
        stored == null
            ? null
            : new PackageView(
                stored.sha256(), stored.fileName(), stored.size(), stored.uri().toString()),
        record.lastOperationId(),
        record.failure() == null
            ? null
            : new TopologyFailureView(
                record.failure().reason(),
                record.failure().message(),
                record.failure().since().toString()),
        record.settlesTo() == null ? null : record.settlesTo().name(),
        record.conditions().stream()
            .map(
                c ->
                    new ConditionView(
                        c.type(),
                        c.status(),
                        c.reason(),
                        c.message(),
                        c.lastTransitionTime() == null ? null : c.lastTransitionTime().toString()))
            .toList());
  }

  static DryRunView dryRun(DryRun dryRun) {
    Rendering response =
        dryRun.format().equals("table")
            ? new TextRendering(String.join("\n", table(dryRun)))
            : new SubmitRendering(packingPlan(dryRun.packing()), dryRun.job().json());
    return new DryRunView(
        dryRun.key().name(),
        dryRun.key().cluster(),
        dryRun.key().role(),
        dryRun.key().environment(),
        dryRun.format(),
        response,
        dryRun.warnings().isEmpty() ? null : dryRun.warnings());
  }

  static List<PackedContainer> packingPlan(PackingPlan plan) {
    return plan.containers().stream().map(TopologyViews::container).toList();
  }

  private static PackedContainer container(ContainerPlan c) {
    return new PackedContainer(
        c.id(),
        resources(c.required()),
        resources(c.scheduled()),
        c.instances().stream().map(TopologyViews::instance).toList());
  }

  private static PackedInstance instance(InstancePlan i) {
    return new PackedInstance(
        i.component(),
        i.taskId(),
        i.componentIndex(),
        i.resources().cpu(),
        i.resources().ramBytes(),
        i.resources().diskBytes());
  }

  private static ResourcesView resources(io.heroncp.heron.Resources r) {
    return new ResourcesView(r.cpu(), r.ramBytes(), r.diskBytes());
  }

  static List<String> packingTable(PackingPlan plan) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "%-10s %-24s %-8s %-16s %6s %14s %14s",
            "container",
            "component",
            "task_id",
            "component_index",
            "cpu",
            "ram_bytes",
            "disk_bytes"));
    plan.containers()
        .forEach(
            c ->
                c.instances()
                    .forEach(
                        i ->
                            lines.add(
                                String.format(
                                    "%-10d %-24s %-8d %-16d %6.2f %14d %14d",
                                    c.id(),
                                    i.component(),
                                    i.taskId(),
                                    i.componentIndex(),
                                    i.resources().cpu(),
                                    i.resources().ramBytes(),
                                    i.resources().diskBytes()))));
    return lines;
  }

  private static List<String> table(DryRun dryRun) {
    List<String> lines = new ArrayList<>(packingTable(dryRun.packing()));
    lines.add("");
    lines.addAll(dryRun.job().table());
    return lines;
  }
}
