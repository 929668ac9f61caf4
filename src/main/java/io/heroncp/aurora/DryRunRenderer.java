package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.heron.Resources;
import io.heroncp.topology.JobRendering;
import io.heroncp.topology.TopologyKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a dry run shows of Aurora: the job that would be created, and the calls a scale or an update
 * would make.
 */
final class DryRunRenderer {

  private final String cluster;
  private final ObjectMapper json = AuroraJson.MAPPER;

  DryRunRenderer(String cluster) {
    this.cluster = cluster;
  }

  JobRendering render(JobConfiguration job) {
    return new JobRendering(renderJson(job), table(job));
  }

  /**
   * The calls of a job update to {@code instanceCount} instances of this size, and the wait for it.
   */
  List<String> updateCalls(TopologyKey key, int instanceCount, Resources perInstance) {
    String job = job(key);
    return List.of(
        String.format(
            "aurora: startJobUpdate(%s, instanceCount=%d, numCpus=%s, ramMb=%d, diskMb=%d)",
            job,
            instanceCount,
            perInstance.cpu(),
            mb(perInstance.ramBytes()),
            mb(perInstance.diskBytes())),
        "aurora: getJobUpdateSummaries(" + job + ") until ROLLED_FORWARD");
  }

  /**
   * The calls that take a job from {@code from} to {@code to} instances: an add, a kill, or none.
   */
  List<String> scaleCalls(TopologyKey key, int from, int to) {
    if (to > from) {
      return List.of("aurora: addInstances(InstanceKey(" + job(key) + ", 0), " + (to - from) + ")");
    }
    if (to < from) {
      return List.of(
          "aurora: killTasks("
              + job(key)
              + ", "
              + IntStream.range(to, from).boxed().toList()
              + ")");
    }
    return List.of();
  }

  private static String job(TopologyKey key) {
    return key.cluster() + "/" + JobKeys.path(JobKeys.of(key));
  }

  private static long mb(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  private String renderJson(JobConfiguration job) {
    ObjectNode tree = (ObjectNode) ThriftJson.tree(job);
    // Show the Thermos document as JSON rather than as one escaped string.
    JsonNode executor = tree.path("taskConfig").path("executorConfig");
    if (executor instanceof ObjectNode executorNode && executorNode.has("data")) {
      executorNode.set("data", json.readTree(executorNode.get("data").asString()));
    }
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
  }

  private List<String> table(JobConfiguration job) {
    TaskConfig task = job.getTaskConfig();
    List<String> ports = new ArrayList<>();
    double cpu = 0;
    long ram = 0;
    long disk = 0;
    for (Resource resource : task.getResources()) {
      if (resource.isSetNumCpus()) {
        cpu = resource.getNumCpus();
      } else if (resource.isSetRamMb()) {
        ram = resource.getRamMb();
      } else if (resource.isSetDiskMb()) {
        disk = resource.getDiskMb();
      } else if (resource.isSetNamedPort()) {
        ports.add(resource.getNamedPort());
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("job:        " + cluster + "/" + JobKeys.path(job.getKey()));
    lines.add("owner:      " + job.getOwner().getUser());
    lines.add(
        "instances:  "
            + job.getInstanceCount()
            + " (topology manager + "
            + (job.getInstanceCount() - 1)
            + " containers)");
    lines.add(
        "tier:       "
            + (task.isSetTier() ? task.getTier() : "(none: the scheduler's default tier applies)"));
    lines.add("per instance: cpu " + cpu + ", ram " + ram + " MB, disk " + disk + " MB");
    lines.add("ports:      " + String.join(", ", ports));
    lines.add("executor:   " + task.getExecutorConfig().getName());
    return lines;
  }
}
