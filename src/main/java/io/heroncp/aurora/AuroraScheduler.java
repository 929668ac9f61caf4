package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Metadata;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.JobRendering;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.JobStatus;
import io.heroncp.topology.SchedulerProbe;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@link TopologyScheduler} of one Aurora cluster: builds the job with {@link AuroraJobFactory} and talks to the
 * scheduler with {@link AuroraThriftClient}. Thread-safe; {@link #close()} releases a ZooKeeper client the
 * scheduler's locator may own.
 */
public class AuroraScheduler implements TopologyScheduler, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AuroraScheduler.class);
  private static final String KILL_MESSAGE = "Killed by the Heron control plane";

  private final String cluster;
  private final ClusterProperties properties;
  private final String stateManagerConnection;
  private final AuroraThriftClient client;
  private final AuroraJobFactory factory;
  private final ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /**
   * @param cluster the cluster (= Aurora cluster) name
   * @param properties the cluster's settings
   * @param stateManagerConnection the ZooKeeper connect string Heron's processes use (the cluster's
   *     {@code state-manager-connection}, or the service's own connect string when that is empty)
   * @param client the Thrift client for this cluster's scheduler
   * @param factory builds the jobs
   */
  public AuroraScheduler(String cluster, ClusterProperties properties, String stateManagerConnection,
      AuroraThriftClient client, AuroraJobFactory factory) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.stateManagerConnection = Objects.requireNonNull(stateManagerConnection, "stateManagerConnection");
    this.client = Objects.requireNonNull(client, "client");
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /**
   * Builds the scheduler of one cluster from its properties.
   *
   * @param cluster the cluster name
   * @param properties {@code heroncp.clusters.<cluster>}
   * @param clustersJson the cluster's entry in Aurora's clusters.json, or null; used only when the properties set
   *     neither {@code scheduler.url} nor {@code scheduler.zookeeper}
   * @param serviceCurator the service's started Curator client (reused when Aurora's serverset lives in the same
   *     ZooKeeper), or null
   * @param serviceConnectString the service's ZooKeeper connect string ({@code heroncp.zookeeper.connect-string})
   * @throws IllegalArgumentException no discovery is configured for the cluster
   */
  public static AuroraScheduler forCluster(String cluster, ClusterProperties properties,
      AuroraClustersFile.Entry clustersJson, CuratorFramework serviceCurator, String serviceConnectString) {
    SchedulerDiscovery discovery = SchedulerDiscovery.of(properties.scheduler());
    if (discovery == null && clustersJson != null) {
      discovery = clustersJson.discovery();
    }
    if (discovery == null) {
      throw new IllegalArgumentException("cluster " + cluster + " has no Aurora scheduler: set heroncp.clusters."
          + cluster + ".scheduler.url or .scheduler.zookeeper, or list it in the Aurora clusters.json");
    }
    Duration connectTimeout = properties.scheduler().connectTimeout();
    SchedulerLocator locator = discovery.locator(serviceCurator, serviceConnectString, connectTimeout);
    String heronZk = properties.stateManagerConnection() == null || properties.stateManagerConnection().isBlank()
        ? serviceConnectString : properties.stateManagerConnection();
    AuroraThriftClient client = new AuroraThriftClient(locator, AuroraClientSettings.of(cluster, properties.scheduler()));
    return new AuroraScheduler(cluster, properties, heronZk, client, new AuroraJobFactory());
  }

  @Override
  public String cluster() {
    return cluster;
  }

  /** The Aurora job for a request, validated; sends nothing. */
  public JobConfiguration job(JobRequest request) {
    return factory.create(request, properties, stateManagerConnection);
  }

  @Override
  public JobRendering render(JobRequest request) {
    JobConfiguration job = job(request);
    return new JobRendering(renderJson(job), table(job));
  }

  @Override
  public void createJob(JobRequest request) {
    JobConfiguration job = job(request);
    String topologyId = request.topology().id();
    try {
      create(job, topologyId);
    } catch (DependencyTimeoutException timeout) {
      // The create may have reached Aurora: look before trying once more.
      log.warn("createJob for {} timed out; checking whether the job exists before retrying", request.key());
      if (activeTasksOf(job.getKey(), topologyId)) {
        log.info("job {} exists with topology id {} after a timed-out create", request.key(), topologyId);
        return;
      }
      create(job, topologyId);
    }
  }

  private void create(JobConfiguration job, String topologyId) {
    try {
      client.createJob(job);
      log.info("created Aurora job {}/{} with {} instances", cluster, jobPath(job.getKey()), job.getInstanceCount());
    } catch (AuroraResponseException e) {
      if (e.code() == ResponseCode.INVALID_REQUEST && e.details().contains("already exists")) {
        if (activeTasksOf(job.getKey(), topologyId)) {
          log.info("Aurora job {}/{} already runs topology id {}; create is a retry", cluster,
              jobPath(job.getKey()), topologyId);
          return;
        }
        throw new ConflictException("Aurora job " + cluster + "/" + jobPath(job.getKey())
            + " already exists and does not run topology id " + topologyId
            + "; kill it first or choose another topology name", "name", e);
      }
      throw map(e);
    }
  }

  /** Whether any active task of the job carries this topology id. */
  private boolean activeTasksOf(JobKey key, String topologyId) {
    List<ScheduledTask> tasks = client.getTasksWithoutConfigs(
        new TaskQuery().setJobKeys(Set.of(key)).setStatuses(EnumSet.copyOf(aurora_apiConstants.ACTIVE_STATES)));
    if (tasks.isEmpty()) {
      return false;
    }
    for (ScheduledTask task : tasks) {
      if (!topologyId.equals(topologyIdOf(task))) {
        return false;
      }
    }
    return true;
  }

  static String topologyIdOf(ScheduledTask task) {
    TaskConfig config = task.getAssignedTask() == null ? null : task.getAssignedTask().getTask();
    if (config == null || config.getMetadata() == null) {
      return null;
    }
    for (Metadata metadata : config.getMetadata()) {
      if (AuroraJobFactory.TOPOLOGY_ID_METADATA.equals(metadata.getKey())) {
        return metadata.getValue();
      }
    }
    return null;
  }

  @Override
  public void killJob(TopologyKey key) {
    JobKey jobKey = jobKey(key);
    try {
      List<ScheduledTask> active = client.getTasksWithoutConfigs(
          new TaskQuery().setJobKeys(Set.of(jobKey)).setStatuses(EnumSet.copyOf(aurora_apiConstants.ACTIVE_STATES)));
      Set<Integer> instances = new TreeSet<>();
      for (ScheduledTask task : active) {
        instances.add(task.getAssignedTask().getInstanceId());
      }
      if (instances.isEmpty()) {
        log.info("Aurora job {} has no active task; nothing to kill", key);
        return;
      }
      client.killTasks(jobKey, instances, KILL_MESSAGE);
      log.info("Aurora accepted the kill of {} instances {}", key, instances);
    } catch (AuroraResponseException e) {
      throw map(e);
    }
  }

  @Override
  public JobStatus status(TopologyKey key) {
    List<ScheduledTask> tasks;
    try {
      tasks = client.getTasksWithoutConfigs(new TaskQuery().setJobKeys(Set.of(jobKey(key))));
    } catch (AuroraResponseException e) {
      throw map(e);
    }
    Map<Integer, ScheduledTask> newest = new HashMap<>();
    for (ScheduledTask task : tasks) {
      newest.merge(task.getAssignedTask().getInstanceId(), task,
          (a, b) -> createdAt(b) > createdAt(a) ? b : a);
    }
    Map<String, Integer> counts = new TreeMap<>();
    boolean exists = false;
    for (ScheduledTask task : newest.values()) {
      counts.merge(task.getStatus().name(), 1, Integer::sum);
      exists |= aurora_apiConstants.ACTIVE_STATES.contains(task.getStatus());
    }
    return new JobStatus(exists, counts);
  }

  /** When the task was created: its first event, as Aurora's own client orders an instance's tasks. */
  private static long createdAt(ScheduledTask task) {
    List<TaskEvent> events = task.getTaskEvents();
    return events == null || events.isEmpty() ? Long.MIN_VALUE : events.get(0).getTimestamp();
  }

  /** How this cluster's scheduler is found, e.g. a static URL or a ZooKeeper serverset. */
  public String discoveryDescription() {
    return client.locator().description();
  }

  @Override
  public SchedulerProbe probe() {
    String discovery = client.locator().description();
    URI endpoint = null;
    try {
      endpoint = client.locator().locate();
      client.getRoleSummary();
      return new SchedulerProbe(discovery, endpoint.toString(), true, null);
    } catch (RuntimeException e) {
      return new SchedulerProbe(discovery, endpoint == null ? null : endpoint.toString(), false, e.getMessage());
    }
  }

  @Override
  public void close() {
    client.locator().close();
  }

  /** Reports every Thrift exchange with this cluster's scheduler to {@code observer} (metrics). */
  public void observeCalls(AuroraCallObserver observer) {
    client.observeCalls(observer);
  }

  /** Aurora's non-OK answers as the domain's errors. */
  private RuntimeException map(AuroraResponseException e) {
    return switch (e.code()) {
      case INVALID_REQUEST -> new InvalidFieldException(
          "Aurora rejected " + e.method() + ": " + e.details() + "; fix the request and try again", null, e);
      case JOB_UPDATING_ERROR -> new ConflictException(
          "an update of this job is in progress at Aurora (" + e.details() + "); wait for it or abort it", null, e);
      case AUTH_FAILED -> new DependencyFailedException("the Aurora scheduler of cluster " + cluster
          + " denied the permission (" + e.details() + "); grant heroncp.clusters." + cluster
          + ".scheduler.username the thrift.AuroraSchedulerManager permission for this role", null, e);
      default -> e;
    };
  }

  private String renderJson(JobConfiguration job) {
    ObjectNode tree = (ObjectNode) ThriftJson.tree(job);
    // Show the Thermos document as JSON rather than as one escaped string.
    JsonNode executor = tree.path("taskConfig").path("executorConfig");
    if (executor instanceof ObjectNode executorNode && executorNode.has("data")) {
      executorNode.set("data", json.readTree(executorNode.get("data").asString()));
    }
    return json.writeValueAsString(tree);
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
    lines.add("job:        " + cluster + "/" + jobPath(job.getKey()));
    lines.add("owner:      " + job.getOwner().getUser());
    lines.add("instances:  " + job.getInstanceCount() + " (topology manager + " + (job.getInstanceCount() - 1)
        + " containers)");
    lines.add("tier:       " + task.getTier());
    lines.add("per instance: cpu " + cpu + ", ram " + ram + " MB, disk " + disk + " MB");
    lines.add("ports:      " + String.join(", ", ports));
    lines.add("executor:   " + task.getExecutorConfig().getName());
    return lines;
  }

  private static JobKey jobKey(TopologyKey key) {
    return new JobKey(key.role(), key.environment(), key.name());
  }

  private static String jobPath(JobKey key) {
    return key.getRole() + "/" + key.getEnvironment() + "/" + key.getName();
  }
}
