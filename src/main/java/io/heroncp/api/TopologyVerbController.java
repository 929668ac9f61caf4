package io.heroncp.api;

import io.heroncp.problems.NotFoundException;
import io.heroncp.topology.Operation;
import io.heroncp.topology.OperationHistory;
import io.heroncp.topology.RequestBounds;
import io.heroncp.topology.Requester;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyVerbs;
import io.heroncp.topology.TopologyVerbs.UpdatePlan;
import io.heroncp.topology.UpdateRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The runtime verbs on heron-apiserver's paths (so Heron's CLI can drive them), each topology's
 * history and single operations.
 */
@RestController
class TopologyVerbController {

  private static final String TOPOLOGY = "/api/v1/topologies/{cluster}/{role}/{environment}/{name}";

  /** The update's form fields (heron-apiserver's, plus {@code user} as every verb reads it). */
  private static final Set<String> UPDATE_FIELDS =
      Set.of(
          "component_parallelism",
          "container_number",
          "runtime_config",
          "dry_run",
          "dry_run_format",
          "user");

  private final TopologyVerbs verbs;
  private final OperationHistory operations;
  private final RequestBounds bounds;

  TopologyVerbController(TopologyVerbs verbs, OperationHistory operations, RequestBounds bounds) {
    this.verbs = verbs;
    this.operations = operations;
    this.bounds = bounds;
  }

  @PostMapping(TOPOLOGY + "/activate")
  ResponseEntity<TopologyViews.VerbAnswer> activate(
      @PathVariable String cluster,
      @PathVariable String role,
      @PathVariable String environment,
      @PathVariable String name,
      Requester requester,
      HttpServletRequest request) {
    TopologyKey key = Requesters.key(bounds, request, cluster, role, environment, name);
    return Requesters.answer(
        verbs.activate(Requesters.operation(requester, request, key, "activate")),
        name + " activated");
  }

  @PostMapping(TOPOLOGY + "/deactivate")
  ResponseEntity<TopologyViews.VerbAnswer> deactivate(
      @PathVariable String cluster,
      @PathVariable String role,
      @PathVariable String environment,
      @PathVariable String name,
      Requester requester,
      HttpServletRequest request) {
    TopologyKey key = Requesters.key(bounds, request, cluster, role, environment, name);
    return Requesters.answer(
        verbs.deactivate(Requesters.operation(requester, request, key, "deactivate")),
        name + " deactivated");
  }

  @PostMapping(TOPOLOGY + "/restart")
  ResponseEntity<TopologyViews.VerbAnswer> restart(
      @PathVariable String cluster,
      @PathVariable String role,
      @PathVariable String environment,
      @PathVariable String name,
      @RequestParam(name = "container_id", required = false) String containerId,
      Requester requester,
      HttpServletRequest request) {
    TopologyKey key = Requesters.key(bounds, request, cluster, role, environment, name);
    Integer container = bounds.containerId(containerId);
    return Requesters.answer(
        verbs.restart(Requesters.operation(requester, request, key, "restart"), container),
        name + " restarted");
  }

  @PostMapping(TOPOLOGY + "/update")
  ResponseEntity<?> update(
      @PathVariable String cluster,
      @PathVariable String role,
      @PathVariable String environment,
      @PathVariable String name,
      @RequestParam(name = "component_parallelism", required = false)
          List<String> componentParallelism,
      @RequestParam(name = "container_number", required = false) List<String> containerNumber,
      @RequestParam(name = "runtime_config", required = false) List<String> runtimeConfig,
      @RequestParam(name = "dry_run", required = false) String dryRun,
      @RequestParam(name = "dry_run_format", required = false) String dryRunFormat,
      Requester requester,
      HttpServletRequest request) {
    // A typo (dryrun, container_numbers) must not be dropped silently: 422, nothing changed.
    FormFields.requireKnown(request.getParameterMap().keySet(), UPDATE_FIELDS, false);
    TopologyKey key = Requesters.key(bounds, request, cluster, role, environment, name);
    Integer containers = bounds.containerNumber(containerNumber);
    UpdateRequest update =
        new UpdateRequest(
            bounds.parallelism(componentParallelism),
            containers,
            bounds.runtimeConfig(runtimeConfig),
            FormFields.flag("dry_run", dryRun),
            dryRunFormat);
    if (update.dryRun()) {
      return ResponseEntity.ok(dryRunView(verbs.planUpdate(key, update)));
    }
    return Requesters.answer(
        verbs.update(Requesters.operation(requester, request, key, "update"), update),
        name + " updated");
  }

  @GetMapping(TOPOLOGY + "/history")
  OperationViews.History history(
      @PathVariable String cluster,
      @PathVariable String role,
      @PathVariable String environment,
      @PathVariable String name) {
    TopologyKey key = bounds.key(cluster, role, environment, name);
    List<OperationViews.OperationView> views =
        operations.history(cluster, name).stream()
            .filter(operation -> operation.key().equals(key))
            .map(OperationViews::of)
            .toList();
    if (views.isEmpty()) {
      throw new NotFoundException("No operation was ever recorded for topology " + key);
    }
    return new OperationViews.History(key.path(), views);
  }

  @GetMapping("/api/v1/operations/{id}")
  OperationViews.OperationView operation(@PathVariable String id) {
    Operation operation =
        operations
            .find(id)
            .orElseThrow(() -> new NotFoundException("No operation " + id + " exists"));
    return OperationViews.of(operation);
  }

  private static TopologyViews.DryRunView dryRunView(UpdatePlan plan) {
    TopologyViews.Rendering response;
    if (plan.format().equals("table")) {
      StringBuilder text = new StringBuilder();
      text.append("current packing plan:\n")
          .append(String.join("\n", TopologyViews.packingTable(plan.current())));
      text.append("\n\nproposed packing plan:\n")
          .append(String.join("\n", TopologyViews.packingTable(plan.proposed())));
      text.append("\n\ncalls:\n  ").append(String.join("\n  ", plan.calls()));
      response = new TopologyViews.TextRendering(text.toString());
    } else {
      response =
          new TopologyViews.UpdateRendering(
              TopologyViews.packingPlan(plan.current()),
              TopologyViews.packingPlan(plan.proposed()),
              plan.calls());
    }
    return new TopologyViews.DryRunView(
        plan.key().name(),
        plan.key().cluster(),
        plan.key().role(),
        plan.key().environment(),
        plan.format(),
        response,
        null);
  }
}
