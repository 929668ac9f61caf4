package io.heroncp.api;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.topology.SchedulerDirectory;
import io.heroncp.topology.SchedulerProbe;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The configured clusters, how each finds its Aurora scheduler and whether it answers now. */
@RestController
class ClusterController {

  private final ClusterRegistry clusters;
  private final SchedulerDirectory schedulers;

  ClusterController(ClusterRegistry clusters, SchedulerDirectory schedulers) {
    this.clusters = clusters;
    this.schedulers = schedulers;
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ClusterView(
      String name,
      String defaultEnvironment,
      String allowedEnvironments,
      String heronRoot,
      String corePackageUri,
      SchedulerView scheduler) {}

  /** {@code detail} only when the probe has something to say. */
  record SchedulerView(String discovery, String endpoint, boolean reachable, String detail) {}

  record Clusters(List<ClusterView> clusters) {}

  @GetMapping("/api/v1/clusters")
  Clusters clusters() {
    return new Clusters(
        clusters.all().entrySet().stream()
            .map(
                entry -> {
                  SchedulerProbe probe = schedulers.forCluster(entry.getKey()).probe();
                  return new ClusterView(
                      entry.getKey(),
                      entry.getValue().defaultEnvironment(),
                      entry.getValue().allowedEnvironments(),
                      entry.getValue().heronRoot(),
                      entry.getValue().corePackageUri().toString(),
                      new SchedulerView(
                          probe.discovery(), probe.endpoint(), probe.reachable(), probe.detail()));
                })
            .toList());
  }
}
