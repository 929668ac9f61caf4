package io.heroncp.aurora;

import io.heroncp.aurora.thrift.Container;
import io.heroncp.aurora.thrift.CronCollisionPolicy;
import io.heroncp.aurora.thrift.ExecutorConfig;
import io.heroncp.aurora.thrift.Identity;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.MesosContainer;
import io.heroncp.aurora.thrift.Metadata;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.heron.Resources;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.TopologyKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.ObjectMapper;

/**
 * Builds the Aurora job for a topology exactly as the Aurora client would for Heron's stock {@code
 * heron.aurora} template: one service job, instance 0 for the topology manager plus one instance
 * per Heron container, every instance sized like the largest container, and the Thermos task (fetch
 * core, fetch topology, run {@code heron-executor}, write the profiler port) as {@code
 * ExecutorConfig.data}.
 *
 * <p>Validates before returning, because Aurora accepts a broken job and only its tasks fail on the
 * agents: identifiers, the cluster's allowed environments, and that every Thermos port reference
 * has a {@code namedPort}. Stateless and thread-safe.
 */
public class AuroraJobFactory {

  /**
   * Metadata key on the TaskConfig carrying the Heron topology id (lets a retried create recognise
   * its job).
   */
  public static final String TOPOLOGY_ID_METADATA = "heron.topology.id";

  static final String TASK_NAME = "setup_and_run";
  static final int MAX_TASK_FAILURES = 1;
  private static final Pattern IDENTIFIER = Pattern.compile("^[\\w\\-\\.]+$");
  private static final Pattern PORT_REFERENCE =
      Pattern.compile("\\{\\{thermos\\.ports\\[([^\\]]+)\\]\\}\\}");
  private static final long MIB = 1024L * 1024;

  private final ObjectMapper json = AuroraJson.MAPPER;

  /**
   * The job for this request.
   *
   * @param request what to run
   * @param cluster the cluster's settings (allowed environments, Heron state root, core package
   *     URI)
   * @param stateManagerConnection the ZooKeeper connect string Heron's processes in Aurora use
   * @throws InvalidFieldException an identifier or the environment is not acceptable to Aurora
   * @throws IllegalStateException the built job references a Thermos port without a {@code
   *     namedPort} (a bug)
   */
  public JobConfiguration create(
      JobRequest request, ClusterProperties cluster, String stateManagerConnection) {
    TopologyKey key = request.key();
    checkIdentifier("role", key.role());
    checkIdentifier("environment", key.environment());
    checkIdentifier("name", key.name());
    checkIdentifier("user", request.submitUser());
    checkEnvironment(key.environment(), cluster.allowedEnvironments());

    String command =
        HeronExecutorCommand.commandLine(request, stateManagerConnection, cluster.heronRoot());
    Resources size = request.packing().maxScheduledResources();
    String data = thermosData(request, cluster, command, size);

    JobKey jobKey = new JobKey(key.role(), key.environment(), key.name());
    Identity owner = new Identity().setUser(request.submitUser());
    Set<Resource> resources = new LinkedHashSet<>();
    resources.add(Resource.numCpus(size.cpu()));
    resources.add(Resource.ramMb(ceilMib(size.ramBytes())));
    resources.add(Resource.diskMb(ceilMib(size.diskBytes())));
    for (String port : portsReferenced(data)) {
      resources.add(Resource.namedPort(port));
    }

    TaskConfig task = new TaskConfig();
    task.setJob(jobKey);
    task.setOwner(owner);
    task.setIsService(true);
    task.setPriority(0);
    task.setMaxTaskFailures(MAX_TASK_FAILURES);
    // Heron's stock heron.aurora sets no tier: Aurora's default applies unless the cluster names
    // one.
    String tier = cluster.tierFor(key.environment());
    if (tier != null) {
      task.setTier(tier);
    }
    task.setResources(resources);
    task.setConstraints(new LinkedHashSet<>());
    task.setTaskLinks(new HashMap<>());
    task.setContainer(Container.mesos(new MesosContainer()));
    task.setExecutorConfig(new ExecutorConfig(auroraExecutorName(), data));
    task.setMetadata(
        new LinkedHashSet<>(List.of(new Metadata(TOPOLOGY_ID_METADATA, request.topology().id()))));

    JobConfiguration job = new JobConfiguration();
    job.setKey(jobKey.deepCopy());
    job.setOwner(owner.deepCopy());
    job.setCronCollisionPolicy(CronCollisionPolicy.KILL_EXISTING);
    job.setTaskConfig(task);
    job.setInstanceCount(request.packing().containerCount() + 1);
    checkPorts(job);
    return job;
  }

  /**
   * Checks that every {@code {{thermos.ports[x]}}} in the job's executor data has a {@code
   * namedPort x} in {@code TaskConfig.resources}; Aurora would accept the job and the task would
   * fail with "Task requires unbound port" on the agent.
   *
   * @throws IllegalStateException naming the missing ports
   */
  public static void checkPorts(JobConfiguration job) {
    Set<String> named = new LinkedHashSet<>();
    for (Resource resource : job.getTaskConfig().getResources()) {
      if (resource.isSetNamedPort()) {
        named.add(resource.getNamedPort());
      }
    }
    Set<String> missing =
        new LinkedHashSet<>(portsReferenced(job.getTaskConfig().getExecutorConfig().getData()));
    missing.removeAll(named);
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "executor data references ports without a namedPort resource: " + missing);
    }
  }

  /** Port names referenced as {@code {{thermos.ports[x]}}}, in first-seen order. */
  static Set<String> portsReferenced(String text) {
    Set<String> ports = new LinkedHashSet<>();
    Matcher matcher = PORT_REFERENCE.matcher(text);
    while (matcher.find()) {
      ports.add(matcher.group(1));
    }
    return ports;
  }

  private String thermosData(
      JobRequest request, ClusterProperties cluster, String command, Resources size) {
    TopologyKey key = request.key();
    List<Map<String, Object>> processes =
        List.of(
            process(
                "fetch_heron_system",
                fetch(cluster.corePackageUri().toString(), "heron-core.tar.gz")),
            process(
                "fetch_user_package",
                fetch(request.topologyPackageUri().toString(), "topology.tar.gz")),
            process("launch_heron_executor", command),
            process("discover_profiler_port", "echo {{thermos.ports[yourkit]}} > yourkit.port"));
    List<String> order = new ArrayList<>();
    processes.forEach(p -> order.add((String) p.get("name")));

    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("cpu", size.cpu());
    resources.put("ram", size.ramBytes());
    resources.put("disk", size.diskBytes());
    resources.put("gpu", 0);

    Map<String, Object> task = new LinkedHashMap<>();
    task.put("name", TASK_NAME);
    task.put("processes", processes);
    task.put("constraints", List.of(Map.of("order", order)));
    task.put("resources", resources);
    task.put("max_failures", 1);
    task.put("max_concurrency", 0);
    task.put("finalization_wait", 30);

    Map<String, Object> http = new LinkedHashMap<>();
    http.put("endpoint", "/health");
    http.put("expected_response", "ok");
    http.put("expected_response_code", 200);
    Map<String, Object> healthCheck = new LinkedHashMap<>();
    healthCheck.put("health_checker", Map.of("http", http));
    healthCheck.put("initial_interval_secs", 30.0);
    healthCheck.put("interval_secs", 10.0);
    healthCheck.put("max_consecutive_failures", 2);
    healthCheck.put("min_consecutive_successes", 1);
    healthCheck.put("timeout_secs", 5.0);

    Map<String, Object> lifecycleHttp = new LinkedHashMap<>();
    lifecycleHttp.put("port", "health");
    lifecycleHttp.put("graceful_shutdown_endpoint", "/quitquitquit");
    lifecycleHttp.put("shutdown_endpoint", "/abortabortabort");
    lifecycleHttp.put("graceful_shutdown_wait_secs", 5);
    lifecycleHttp.put("shutdown_wait_secs", 5);

    Map<String, Object> portmap = new LinkedHashMap<>();
    portmap.put("admin", "http");
    portmap.put("health", "http");
    Map<String, Object> announce = new LinkedHashMap<>();
    announce.put("primary_port", "http");
    announce.put("portmap", portmap);

    Map<String, Object> executorConfig = new LinkedHashMap<>();
    executorConfig.put("name", auroraExecutorName());
    executorConfig.put("data", "");

    Map<String, Object> job = new LinkedHashMap<>();
    job.put("name", key.name());
    job.put("role", key.role());
    job.put("environment", key.environment());
    job.put("cluster", key.cluster());
    job.put("service", true);
    job.put("production", false);
    job.put("priority", 0);
    job.put("max_task_failures", MAX_TASK_FAILURES);
    job.put("cron_collision_policy", "KILL_EXISTING");
    job.put("enable_hooks", false);
    job.put(
        "metadata", List.of(Map.of("key", TOPOLOGY_ID_METADATA, "value", request.topology().id())));
    String tier = cluster.tierFor(key.environment());
    if (tier != null) {
      job.put("tier", tier);
    }
    job.put("announce", announce);
    job.put("health_check_config", healthCheck);
    job.put("lifecycle", Map.of("http", lifecycleHttp));
    job.put("executor_config", executorConfig);
    job.put("task", task);
    return json.writeValueAsString(job);
  }

  private static Map<String, Object> process(String name, String cmdline) {
    Map<String, Object> process = new LinkedHashMap<>();
    process.put("name", name);
    process.put("cmdline", cmdline);
    process.put("max_failures", 1);
    process.put("daemon", false);
    process.put("ephemeral", false);
    process.put("min_duration", 5);
    process.put("final", false);
    return process;
  }

  private static String fetch(String uri, String file) {
    return "curl " + uri + " -o " + file + " && tar zxf " + file;
  }

  private static String auroraExecutorName() {
    return io.heroncp.aurora.thrift.aurora_apiConstants.AURORA_EXECUTOR_NAME;
  }

  /** Rounded up, so the scheduler never reserves less than the Thermos task may use. */
  private static long ceilMib(long bytes) {
    return Math.max(1, (bytes + MIB - 1) / MIB);
  }

  private static void checkIdentifier(String field, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw new InvalidFieldException(
          "Aurora accepts only letters, digits, '_', '-' and '.' in the "
              + field
              + " (pattern ^[\\w\\-\\.]+$), got '"
              + value
              + "'; choose another "
              + field,
          field);
    }
    if (value.length() > 255) {
      throw new InvalidFieldException(
          "the " + field + " must be at most 255 characters for Aurora", field);
    }
  }

  private static void checkEnvironment(String environment, String allowed) {
    boolean matches;
    try {
      matches = Pattern.compile(allowed).matcher(environment).matches();
    } catch (PatternSyntaxException e) {
      throw new IllegalStateException(
          "heroncp.clusters.<c>.allowed-environments is not a regex: " + allowed, e);
    }
    if (!matches) {
      throw new InvalidFieldException(
          "environment '"
              + environment
              + "' is not allowed by this cluster's Aurora scheduler (pattern "
              + allowed
              + "); use a matching environment such as devel or prod",
          "environment");
    }
  }
}
