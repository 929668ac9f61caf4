package io.heroncp.api;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.topology.SchedulerDirectory;
import io.heroncp.topology.SchedulerProbe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The configured clusters, how each finds its Aurora scheduler and whether it answers now. */
@RestController
class ClusterController {

  private final ClusterRegistry clusters;
  private final SchedulerDirectory schedulers;

  ClusterController(ClusterRegistry clusters, SchedulerDirectory schedulers) {
    this.clusters = clusters;
    this.schedulers = schedulers;
  }

  @GetMapping("/api/v1/clusters")
  Map<String, Object> clusters() {
    List<Map<String, Object>> views = clusters.all().entrySet().stream().map(entry -> {
      SchedulerProbe probe = schedulers.forCluster(entry.getKey()).probe();
      Map<String, Object> scheduler = new LinkedHashMap<>();
      scheduler.put("discovery", probe.discovery());
      scheduler.put("endpoint", probe.endpoint());
      scheduler.put("reachable", probe.reachable());
      if (probe.detail() != null) {
        scheduler.put("detail", probe.detail());
      }
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("name", entry.getKey());
      view.put("default_environment", entry.getValue().defaultEnvironment());
      view.put("allowed_environments", entry.getValue().allowedEnvironments());
      view.put("heron_root", entry.getValue().heronRoot());
      view.put("core_package_uri", entry.getValue().corePackageUri().toString());
      view.put("scheduler", scheduler);
      return view;
    }).toList();
    return Map.of("clusters", views);
  }
}
