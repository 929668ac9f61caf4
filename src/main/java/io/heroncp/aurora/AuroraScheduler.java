package io.heroncp.aurora;

import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.heron.Resources;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.JobRendering;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.JobStatus;
import io.heroncp.topology.SchedulerProbe;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;

/**
 * The {@link TopologyScheduler} of one Aurora cluster: builds the job with {@link AuroraJobFactory}
 * and hands each call to the class that owns it ({@link JobLauncher}, {@link InstanceOperations},
 * {@link JobUpdater}, {@link JobStatusReader}, {@link DryRunRenderer}), all over one {@link
 * AuroraThriftClient}. Thread-safe; {@link #close()} releases a ZooKeeper client the scheduler's
 * locator may own.
 */
public class AuroraScheduler implements TopologyScheduler, AutoCloseable {

  private final String cluster;
  private final ClusterProperties properties;
  private final String stateManagerConnection;
  private final AuroraThriftClient client;
  private final AuroraJobFactory factory;
  private final JobLauncher launcher;
  private final InstanceOperations instances;
  private final JobUpdater updater;
  private final JobStatusReader statusReader;
  private final DryRunRenderer dryRun;
  private final java.util.regex.Pattern allowedEnvironments;

  /**
   * @param cluster the cluster (= Aurora cluster) name
   * @param properties the cluster's settings
   * @param stateManagerConnection the ZooKeeper connect string Heron's processes use (the cluster's
   *     {@code state-manager-connection}, or the service's own connect string when that is empty)
   * @param client the Thrift client for this cluster's scheduler
   * @param factory builds the jobs
   */
  public AuroraScheduler(
      String cluster,
      ClusterProperties properties,
      String stateManagerConnection,
      AuroraThriftClient client,
      AuroraJobFactory factory) {
    this(cluster, properties, stateManagerConnection, client, factory, AuroraUpdatePolicy.DEFAULT);
  }

  /**
   * As {@link #AuroraScheduler(String, ClusterProperties, String, AuroraThriftClient,
   * AuroraJobFactory)}, with how job updates run.
   */
  public AuroraScheduler(
      String cluster,
      ClusterProperties properties,
      String stateManagerConnection,
      AuroraThriftClient client,
      AuroraJobFactory factory,
      AuroraUpdatePolicy updatePolicy) {
    this(
        cluster,
        properties,
        stateManagerConnection,
        client,
        factory,
        updatePolicy,
        JobLauncher.DYING_JOB_WAIT);
  }

  /** As the public constructors, with how long a submit waits for a dying job of the same name. */
  AuroraScheduler(
      String cluster,
      ClusterProperties properties,
      String stateManagerConnection,
      AuroraThriftClient client,
      AuroraJobFactory factory,
      AuroraUpdatePolicy updatePolicy,
      Duration dyingJobWait) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.stateManagerConnection =
        Objects.requireNonNull(stateManagerConnection, "stateManagerConnection");
    this.client = Objects.requireNonNull(client, "client");
    this.factory = Objects.requireNonNull(factory, "factory");
    AuroraProblems problems = new AuroraProblems(cluster);
    ActiveTasks tasks = new ActiveTasks(client);
    this.launcher = new JobLauncher(cluster, client, tasks, problems, dyingJobWait);
    this.instances = new InstanceOperations(cluster, client, tasks, problems);
    this.updater = new JobUpdater(cluster, client, tasks, problems, updatePolicy);
    this.statusReader = new JobStatusReader(client, problems);
    this.dryRun = new DryRunRenderer(cluster);
    this.allowedEnvironments = java.util.regex.Pattern.compile(properties.allowedEnvironments());
  }

  /**
   * Builds the scheduler of one cluster from its properties.
   *
   * @param cluster the cluster name
   * @param properties {@code heroncp.clusters.<cluster>}
   * @param clustersJson the cluster's entry in Aurora's clusters.json, or null; used only when the
   *     properties set neither {@code scheduler.url} nor {@code scheduler.zookeeper}
   * @param serviceCurator the service's started Curator client (reused when Aurora's serverset
   *     lives in the same ZooKeeper), or null
   * @param serviceConnectString the service's ZooKeeper connect string ({@code
   *     heroncp.zookeeper.connect-string})
   * @throws IllegalArgumentException no discovery is configured for the cluster
   */
  public static AuroraScheduler forCluster(
      String cluster,
      ClusterProperties properties,
      AuroraClustersFile.Entry clustersJson,
      CuratorFramework serviceCurator,
      String serviceConnectString) {
    SchedulerDiscovery discovery = SchedulerDiscovery.of(properties.scheduler());
    if (discovery == null && clustersJson != null) {
      discovery = clustersJson.discovery();
    }
    if (discovery == null) {
      throw new IllegalArgumentException(
          "cluster "
              + cluster
              + " has no Aurora scheduler: set heroncp.clusters."
              + cluster
              + ".scheduler.url or .scheduler.zookeeper, or list it in the Aurora clusters.json");
    }
    Duration connectTimeout = properties.scheduler().connectTimeout();
    SchedulerLocator locator =
        discovery.locator(serviceCurator, serviceConnectString, connectTimeout);
    String heronZk =
        properties.stateManagerConnection() == null || properties.stateManagerConnection().isBlank()
            ? serviceConnectString
            : properties.stateManagerConnection();
    AuroraThriftClient client =
        new AuroraThriftClient(locator, AuroraClientSettings.of(cluster, properties.scheduler()));
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
    return dryRun.render(job(request));
  }

  /**
   * {@inheritDoc} See {@link JobLauncher}: a job Aurora is still killing is waited for, then 409.
   */
  @Override
  public void createJob(JobRequest request) {
    launcher.launch(request.key(), job(request), request.topology().id());
  }

  @Override
  public void killJob(TopologyKey key) {
    instances.killJob(key);
  }

  @Override
  public JobStatus status(TopologyKey key) {
    return status(key, null, Integer.MAX_VALUE);
  }

  /** {@inheritDoc} See {@link JobStatusReader#read}. */
  @Override
  public JobStatus status(TopologyKey key, String topologyId, int instances) {
    return statusReader.read(key, topologyId, instances);
  }

  /**
   * {@inheritDoc} One {@code getTasksWithoutConfigs} for all; see {@link JobStatusReader#readAll}.
   */
  @Override
  public java.util.Map<TopologyKey, JobStatus> statuses(List<StatusQuery> queries) {
    return queries.isEmpty() ? java.util.Map.of() : statusReader.readAll(queries);
  }

  /** {@inheritDoc} See {@link InstanceOperations#restart}. */
  @Override
  public void restart(TopologyKey key, Set<Integer> instances) {
    this.instances.restart(key, instances);
  }

  /** {@inheritDoc} Not idempotent; see {@link InstanceOperations#addInstances}. */
  @Override
  public List<Integer> addInstances(TopologyKey key, int count) {
    return instances.addInstances(key, count);
  }

  /** {@inheritDoc} See {@link InstanceOperations#scaleTo}. */
  @Override
  public void scaleTo(TopologyKey key, int instanceCount) {
    instances.scaleTo(key, instanceCount);
  }

  /** {@inheritDoc} See {@link InstanceOperations#killInstances}. */
  @Override
  public void killInstances(TopologyKey key, Set<Integer> instances) {
    this.instances.killInstances(key, instances);
  }

  /** {@inheritDoc} See {@link JobUpdater#update}. */
  @Override
  public void updateJob(JobRequest request, Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("an update needs a positive timeout, got " + timeout);
    }
    updater.update(job(request), timeout);
  }

  @Override
  public List<String> describeUpdate(TopologyKey key, int instanceCount, Resources perInstance) {
    return dryRun.updateCalls(key, instanceCount, perInstance);
  }

  @Override
  public List<String> describeScale(TopologyKey key, int from, int to) {
    return dryRun.scaleCalls(key, from, to);
  }

  /** How this cluster's scheduler is found, e.g. a static URL or a ZooKeeper serverset. */
  public String discoveryDescription() {
    return client.locator().description();
  }

  @Override
  public void checkIdentifier(String field, String value) {
    AuroraIdentifiers.check(field, value);
  }

  @Override
  public void checkEnvironment(String environment) {
    if (!allowedEnvironments.matcher(environment).matches()) {
      throw new InvalidFieldException(
          "environment '"
              + environment
              + "' is not allowed in cluster "
              + cluster
              + ": it must match "
              + properties.allowedEnvironments(),
          "environment");
    }
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
      return new SchedulerProbe(
          discovery, endpoint == null ? null : endpoint.toString(), false, e.getMessage());
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
}
