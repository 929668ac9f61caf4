package io.heroncp.api;

import io.heroncp.topology.JobStatus;
import io.heroncp.topology.TopologyLifecycle.Description;
import io.heroncp.topology.TopologyLifecycle.DryRun;
import io.heroncp.heron.PackingPlan;
import io.heroncp.topology.TopologyRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON views of topologies. Keeps heron-apiserver's members ({@code name}, {@code cluster}, {@code role},
 * {@code environment}; {@code response} for dry runs) that Heron's CLI reads.
 */
final class TopologyViews {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TopologyViews() {}

  static Map<String, Object> of(TopologyRecord record, Description live) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", record.key().name());
    view.put("cluster", record.key().cluster());
    view.put("role", record.key().role());
    view.put("environment", record.key().environment());
    view.put("key", record.key().path());
    view.put("id", record.topologyId());
    view.put("state", record.state().name());
    view.put("initially_paused", record.initiallyPaused());
    view.put("submitter", record.submitter());
    view.put("submitted_at", record.submittedAt().toString());
    view.put("updated_at", record.updatedAt().toString());
    view.put("components", record.components().stream()
        .map(c -> {
          Map<String, Object> component = new LinkedHashMap<>();
          component.put("name", c.name());
          component.put("kind", c.kind());
          component.put("parallelism", c.parallelism());
          return component;
        })
        .toList());
    TopologyRecord.PackingSummary packing = record.packing();
    Map<String, Object> packingView = new LinkedHashMap<>();
    packingView.put("id", packing.id());
    packingView.put("containers", packing.containers());
    packingView.put("instances", packing.instances());
    packingView.put("per_container", Map.of("cpu", packing.cpuPerContainer(), "ram_bytes",
        packing.ramBytesPerContainer(), "disk_bytes", packing.diskBytesPerContainer()));
    view.put("packing_plan", packingView);
    Map<String, Object> aurora = new LinkedHashMap<>();
    aurora.put("job_key", record.auroraJob());
    aurora.put("instances", packing.auroraInstances());
    if (live != null) {
      aurora.put("tasks", live.job() == null ? null : new java.util.TreeMap<>(live.job().tasksByStatus()));
      if (live.job() != null && live.job().lastFailure() != null) {
        JobStatus.TaskFailure failure = live.job().lastFailure();
        Map<String, Object> failureView = new LinkedHashMap<>();
        failureView.put("instance", failure.instance());
        failureView.put("task_id", failure.taskId());
        failureView.put("status", failure.status());
        failureView.put("message", failure.message());
        failureView.put("time", failure.time().toString());
        aurora.put("last_failure", failureView);
      }
      if (live.schedulerError() != null) {
        aurora.put("error", live.schedulerError());
      }
    }
    view.put("aurora", aurora);
    if (record.topologyPackage() != null) {
      view.put("package", Map.of("sha256", record.topologyPackage().sha256(), "file", record.topologyPackage().fileName(),
          "size", record.topologyPackage().size(), "uri", record.topologyPackage().uri().toString()));
    }
    view.put("last_operation_id", record.lastOperationId());
    return view;
  }

  static Map<String, Object> dryRun(DryRun dryRun) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", dryRun.key().name());
    view.put("cluster", dryRun.key().cluster());
    view.put("role", dryRun.key().role());
    view.put("environment", dryRun.key().environment());
    view.put("format", dryRun.format());
    if (dryRun.format().equals("table")) {
      view.put("response", String.join("\n", table(dryRun)));
    } else {
      Map<String, Object> rendering = new LinkedHashMap<>();
      rendering.put("packing_plan", packingPlan(dryRun.packing()));
      rendering.put("job_configuration", JSON.readTree(dryRun.job().json()));
      view.put("response", rendering);
    }
    return view;
  }

  static List<Map<String, Object>> packingPlan(PackingPlan plan) {
    return plan.containers().stream().map(c -> {
      Map<String, Object> container = new LinkedHashMap<>();
      container.put("id", c.id());
      container.put("required", Map.of("cpu", c.required().cpu(), "ram_bytes", c.required().ramBytes(),
          "disk_bytes", c.required().diskBytes()));
      container.put("scheduled", Map.of("cpu", c.scheduled().cpu(), "ram_bytes", c.scheduled().ramBytes(),
          "disk_bytes", c.scheduled().diskBytes()));
      container.put("instances", c.instances().stream().map(i -> Map.of("component", i.component(), "task_id",
          i.taskId(), "component_index", i.componentIndex(), "cpu", i.resources().cpu(), "ram_bytes",
          i.resources().ramBytes(), "disk_bytes", i.resources().diskBytes())).toList());
      return container;
    }).toList();
  }

  static List<String> packingTable(PackingPlan plan) {
    List<String> lines = new java.util.ArrayList<>();
    lines.add(String.format("%-10s %-24s %-8s %-16s %6s %14s %14s", "container", "component", "task_id",
        "component_index", "cpu", "ram_bytes", "disk_bytes"));
    plan.containers().forEach(c -> c.instances().forEach(i -> lines.add(String.format(
        "%-10d %-24s %-8d %-16d %6.2f %14d %14d", c.id(), i.component(), i.taskId(), i.componentIndex(),
        i.resources().cpu(), i.resources().ramBytes(), i.resources().diskBytes()))));
    return lines;
  }

  private static List<String> table(DryRun dryRun) {
    List<String> lines = new java.util.ArrayList<>(packingTable(dryRun.packing()));
    lines.add("");
    lines.addAll(dryRun.job().table());
    return lines;
  }
}
