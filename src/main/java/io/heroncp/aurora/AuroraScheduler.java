package io.heroncp.aurora;

import io.heroncp.aurora.thrift.InstanceKey;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdateQuery;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.JobUpdateStatus;
import io.heroncp.aurora.thrift.JobUpdateStrategy;
import io.heroncp.aurora.thrift.JobUpdateSummary;
import io.heroncp.aurora.thrift.Metadata;
import io.heroncp.aurora.thrift.QueueJobUpdateStrategy;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.StartJobUpdateResult;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.TaskEvent;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.problems.BusyException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.JobRendering;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.JobStatus;
import io.heroncp.topology.SchedulerProbe;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyScheduler;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
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

  /**
   * How long a submit waits for Aurora to finish killing the job of an earlier topology of the same name (tasks
   * KILLING: Thermos gives processes up to the template's finalization_wait of 30 s) before answering 409.
   */
  static final Duration DYING_JOB_WAIT = Duration.ofSeconds(45);
  private final Duration dyingJobWait;
  private static final Duration DYING_JOB_RETRY_AFTER = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(AuroraScheduler.class);
  private static final String KILL_MESSAGE = "Killed by the Heron control plane";
  private static final String UPDATE_MESSAGE = "Updated by the Heron control plane";
  /** The metadata key Aurora's own client tags its updates with, so a retried start is recognised. */
  static final String UPDATE_ID_METADATA = "org.apache.aurora.client.update_id";

  private final String cluster;
  private final ClusterProperties properties;
  private final String stateManagerConnection;
  private final AuroraThriftClient client;
  private final AuroraJobFactory factory;
  private final AuroraUpdatePolicy updatePolicy;
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
    this(cluster, properties, stateManagerConnection, client, factory, AuroraUpdatePolicy.DEFAULT);
  }

  /** As {@link #AuroraScheduler(String, ClusterProperties, String, AuroraThriftClient, AuroraJobFactory)}, with
   * how job updates run. */
  public AuroraScheduler(String cluster, ClusterProperties properties, String stateManagerConnection,
      AuroraThriftClient client, AuroraJobFactory factory, AuroraUpdatePolicy updatePolicy) {
    this(cluster, properties, stateManagerConnection, client, factory, updatePolicy, DYING_JOB_WAIT);
  }

  /** As the public constructors, with how long a submit waits for a dying job of the same name. */
  AuroraScheduler(String cluster, ClusterProperties properties, String stateManagerConnection,
      AuroraThriftClient client, AuroraJobFactory factory, AuroraUpdatePolicy updatePolicy, Duration dyingJobWait) {
    this.dyingJobWait = Objects.requireNonNull(dyingJobWait, "dyingJobWait");
    this.updatePolicy = Objects.requireNonNull(updatePolicy, "updatePolicy");
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
      if (runsTopology(activeTasks(job.getKey()), topologyId)) {
        log.info("job {} exists with topology id {} after a timed-out create", request.key(), topologyId);
        return;
      }
      create(job, topologyId);
    }
  }

  /**
   * One createJob, and what "already exists" means: the same topology's job (a retry: done), a job Aurora is still
   * killing (an earlier topology of this name, killed a moment ago: wait up to {@link #DYING_JOB_WAIT} (by default) for it to go,
   * then create; longer answers 409 with Retry-After), or another topology's job (409).
   */
  private void create(JobConfiguration job, String topologyId) {
    long deadline = System.nanoTime() + dyingJobWait.toNanos();
    long backoff = 100;
    while (true) {
      try {
        client.createJob(job);
        log.info("created Aurora job {}/{} with {} instances", cluster, jobPath(job.getKey()), job.getInstanceCount());
        return;
      } catch (AuroraResponseException e) {
        if (e.code() != ResponseCode.INVALID_REQUEST || !e.details().contains("already exists")) {
          throw map(e);
        }
        List<ScheduledTask> active = activeTasks(job.getKey());
        boolean dying = active.stream().allMatch(task -> task.getStatus() == ScheduleStatus.KILLING);
        if (!active.isEmpty() && !dying) {
          if (runsTopology(active, topologyId)) {
            log.info("Aurora job {}/{} already runs topology id {}; create is a retry", cluster,
                jobPath(job.getKey()), topologyId);
            return;
          }
          throw new ConflictException("Aurora job " + cluster + "/" + jobPath(job.getKey())
              + " already exists and does not run topology id " + topologyId
              + "; kill it first or choose another topology name", "name", e);
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new BusyException("Aurora is still killing job " + cluster + "/" + jobPath(job.getKey())
              + " of an earlier topology of this name (" + active.size() + " tasks KILLING after "
              + dyingJobWait.toMillis() + " ms); submit again once it is gone", DYING_JOB_RETRY_AFTER.toSeconds(), e);
        }
        log.info("Aurora job {}/{} of an earlier topology is still being killed ({} tasks KILLING); waiting to create",
            cluster, jobPath(job.getKey()), active.size());
        pause(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  /**
   * Whether these active tasks are this topology's job at work: some, all with its id, none being killed (a job
   * Aurora is killing belongs to an earlier topology of the name, even with the same id).
   */
  private static boolean runsTopology(List<ScheduledTask> active, String topologyId) {
    return !active.isEmpty() && active.stream().allMatch(task -> topologyId.equals(topologyIdOf(task))
        && task.getStatus() != ScheduleStatus.KILLING);
  }

  private List<ScheduledTask> activeTasks(JobKey key) {
    return client.getTasksWithoutConfigs(
        new TaskQuery().setJobKeys(Set.of(key)).setStatuses(EnumSet.copyOf(aurora_apiConstants.ACTIVE_STATES)));
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
      Set<Integer> instances = activeInstances(jobKey);
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

  /** The ids of the job's active instances (Aurora's ACTIVE_STATES, KILLING and RESTARTING included). */
  private SortedSet<Integer> activeInstances(JobKey job) {
    List<ScheduledTask> active = client.getTasksWithoutConfigs(
        new TaskQuery().setJobKeys(Set.of(job)).setStatuses(EnumSet.copyOf(aurora_apiConstants.ACTIVE_STATES)));
    SortedSet<Integer> instances = new TreeSet<>();
    for (ScheduledTask task : active) {
      instances.add(task.getAssignedTask().getInstanceId());
    }
    return instances;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code restartShards} call with every id, as Heron's {@code aurora job restart --batch-size MAX} does;
   * returns once Aurora accepted it (the tasks then go RESTARTING, KILLED, and a new task per instance is
   * scheduled). Not idempotent in effect: a retry restarts the instances again.
   *
   * @throws IllegalArgumentException the set is null, empty or holds a negative id
   * @throws ConflictException an instance is not active (Aurora's "Not all requested shards are active."), or a
   *     job update is in progress
   */
  @Override
  public void restart(TopologyKey key, Set<Integer> instances) {
    Set<Integer> ids = checkedInstances(instances, "restart");
    JobKey job = jobKey(key);
    try {
      client.restartShards(job, ids);
      log.info("Aurora accepted the restart of {} instances {}", key, ids);
    } catch (AuroraResponseException e) {
      if (e.code() == ResponseCode.INVALID_REQUEST && e.details().contains("Not all requested shards are active")) {
        throw new ConflictException("Aurora refused to restart instances " + ids + " of job " + cluster + "/"
            + jobPath(job) + ": " + e.details() + " Restart only instances the job status shows as active.",
            "instances", e);
      }
      throw map(e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>As Heron's {@code aurora job add <jobkey>/0 <count>}: reads the active instances, then one
   * {@code addInstances(InstanceKey(job, 0), count)}; Aurora numbers the new instances from the highest active id
   * plus one. Returns once Aurora accepted them (they start PENDING).
   *
   * <p><b>Not idempotent</b>, whatever the interface says: each call adds {@code count} more instances, and a call
   * that failed with a timeout may have added them. To make a job have a given number of instances safely, retry
   * included, use {@link #scaleTo}.
   *
   * @return the new ids, {@code max(active)+1 … max(active)+count}
   * @throws IllegalArgumentException count is not positive
   * @throws ConflictException instance 0 (the template) is not active, or a job update is in progress
   */
  @Override
  public List<Integer> addInstances(TopologyKey key, int count) {
    if (count <= 0) {
      throw new IllegalArgumentException("the number of instances to add must be positive, got " + count);
    }
    JobKey job = jobKey(key);
    try {
      return add(job, activeInstances(job), count);
    } catch (AuroraResponseException e) {
      throw mapAdd(job, e);
    }
  }

  private List<Integer> add(JobKey job, SortedSet<Integer> active, int count) {
    if (!active.contains(0)) {
      throw noTemplate(job, null);
    }
    int first = active.last() + 1;
    client.addInstances(new InstanceKey(job, 0), count);
    List<Integer> added = IntStream.range(first, first + count).boxed().toList();
    log.info("Aurora accepted {} new instances {} of {}/{}, cloned from instance 0", count, added, cluster,
        jobPath(job));
    return added;
  }

  private RuntimeException mapAdd(JobKey job, AuroraResponseException e) {
    if (e.code() == ResponseCode.INVALID_REQUEST && e.details().contains("No active task found")) {
      return noTemplate(job, e);
    }
    return map(e);
  }

  private ConflictException noTemplate(JobKey job, Throwable cause) {
    return new ConflictException("instance 0 of Aurora job " + cluster + "/" + jobPath(job)
        + " is not active, so there is no task config to clone new instances from; restart instance 0 or "
        + "update the job, then retry", null, cause);
  }

  /**
   * Makes the job have exactly the instances {@code 0 … instanceCount-1}: kills the active instances with an id
   * of {@code instanceCount} or more, then, if the active ids are {@code 0 … m} with {@code m + 1 < instanceCount},
   * adds {@code instanceCount - m - 1} instances cloned from instance 0 (Aurora numbers them {@code m+1 …}).
   * Returns once Aurora accepted the calls; the new tasks start PENDING, the killed ones go KILLING.
   *
   * <p>Idempotent and safe to retry after any failure, a timeout included: it compares with Aurora's active
   * instances every time, so an earlier attempt that did take effect makes it a no-op. Not safe against a
   * concurrent change of the same job (the caller serialises operations on a topology).
   *
   * @param instanceCount the wanted number of instances (topology manager + containers), at least 1
   * @throws IllegalArgumentException instanceCount &lt; 1 (kill the job instead)
   * @throws ConflictException instance 0 is not active, an id below the highest active one is missing (Aurora
   *     can only add instances after the highest one; an update recreates it), or a job update is in progress
   */
  @Override
  public void scaleTo(TopologyKey key, int instanceCount) {
    if (instanceCount < 1) {
      throw new IllegalArgumentException("a job needs at least one instance, got " + instanceCount
          + "; kill the job to remove every instance");
    }
    JobKey job = jobKey(key);
    try {
      SortedSet<Integer> active = activeInstances(job);
      SortedSet<Integer> surplus = new TreeSet<>(active.tailSet(instanceCount));
      if (!surplus.isEmpty()) {
        client.killTasks(job, surplus, KILL_MESSAGE);
        log.info("Aurora accepted the kill of {} instances {} (scaling to {})", key, surplus, instanceCount);
      }
      SortedSet<Integer> kept = active.headSet(instanceCount);
      if (kept.size() == instanceCount) {
        return;
      }
      if (kept.isEmpty() || kept.last() + 1 != kept.size()) {
        SortedSet<Integer> missing = new TreeSet<>();
        for (int id = 0; id < (kept.isEmpty() ? 1 : kept.last()); id++) {
          if (!kept.contains(id)) {
            missing.add(id);
          }
        }
        if (missing.contains(0)) {
          throw noTemplate(job, null);
        }
        throw new ConflictException("instances " + missing + " of Aurora job " + cluster + "/" + jobPath(job)
            + " are not active while higher ones are; Aurora adds instances only after the highest active one. "
            + "Update the job (which recreates missing instances) or kill and resubmit the topology", null);
      }
      add(job, kept, instanceCount - kept.size());
    } catch (AuroraResponseException e) {
      throw mapAdd(job, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the active instances and sends one {@code killTasks} with those of {@code instances} that are
   * active; ids that are not active are skipped, and when none is, nothing is sent. Never sends an empty set
   * (which Aurora reads as the whole job). Returns once Aurora accepted the kill.
   *
   * @throws IllegalArgumentException the set is null, empty or holds a negative id
   * @throws ConflictException a job update is in progress
   */
  @Override
  public void killInstances(TopologyKey key, Set<Integer> instances) {
    Set<Integer> ids = checkedInstances(instances, "kill");
    JobKey job = jobKey(key);
    try {
      Set<Integer> active = activeInstances(job);
      Set<Integer> killed = new TreeSet<>(ids);
      killed.retainAll(active);
      if (killed.isEmpty()) {
        log.info("none of instances {} of {} is active; nothing to kill", ids, key);
        return;
      }
      client.killTasks(job, killed, KILL_MESSAGE);
      log.info("Aurora accepted the kill of {} instances {}", key, killed);
    } catch (AuroraResponseException e) {
      throw map(e);
    }
  }

  private static Set<Integer> checkedInstances(Set<Integer> instances, String verb) {
    if (instances == null || instances.isEmpty()) {
      throw new IllegalArgumentException("name the instances to " + verb + "; an empty set would mean the whole job");
    }
    for (Integer id : instances) {
      if (id == null || id < 0) {
        throw new IllegalArgumentException("instance ids are 0 or more, got " + instances);
      }
    }
    return new TreeSet<>(instances);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code startJobUpdate} with the factory's task config and instance count for {@code request}, all
   * instances in one group (queue strategy, group size = every instance): a Heron topology does not process
   * while any of its containers is being replaced, so rolling one container at a time only makes the outage
   * longer. No failure is tolerated ({@code maxPerInstanceFailures} and {@code maxFailedInstances} 0), and
   * Aurora rolls back on failure; {@code minWaitInInstanceRunningMs} comes from the {@link AuroraUpdatePolicy}.
   * Then polls {@code getJobUpdateSummaries} with a doubling wait until the update leaves Aurora's active update
   * states.
   *
   * <p>The update carries {@value #UPDATE_ID_METADATA} = a UUID derived from the task config and instance count.
   * So when Aurora answers that an update is already active and it is one with the same id (a retry of this call,
   * or of a start that timed out), this call follows that update instead of failing. "Job is unchanged by
   * proposed update." returns at once, unless an active update with the same id is still running (Aurora compares
   * with the tasks only), which is then followed.
   *
   * @throws ConflictException the job has no active instance, or another update is in progress
   * @throws DependencyFailedException the update ended ROLLED_BACK, ABORTED, ERROR or FAILED
   * @throws DependencyTimeoutException it did not finish within {@code timeout}; it has been aborted (instances
   *     may run a mix of the old and new configuration)
   */
  @Override
  public void updateJob(JobRequest request, Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("an update needs a positive timeout, got " + timeout);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    JobConfiguration job = job(request);
    JobKey jobKey = job.getKey();
    try {
      SortedSet<Integer> active = activeInstances(jobKey);
      if (active.isEmpty()) {
        throw new ConflictException("Aurora job " + cluster + "/" + jobPath(jobKey)
            + " has no active instance, so there is nothing to update; submit the topology instead", null);
      }
      int groupSize = Math.max(job.getInstanceCount(), active.last() + 1);
      JobUpdateRequest update = new JobUpdateRequest()
          .setTaskConfig(job.getTaskConfig())
          .setInstanceCount(job.getInstanceCount())
          .setSettings(new JobUpdateSettings()
              .setUpdateGroupSize(groupSize)
              .setMaxPerInstanceFailures(0)
              .setMaxFailedInstances(0)
              .setMinWaitInInstanceRunningMs((int) updatePolicy.minRunning().toMillis())
              .setRollbackOnFailure(true)
              .setWaitForBatchCompletion(false)
              .setUpdateStrategy(JobUpdateStrategy.queueStrategy(new QueueJobUpdateStrategy(groupSize))));
      String updateId = updateId(update);
      update.setMetadata(Set.of(new Metadata(UPDATE_ID_METADATA, updateId)));
      JobUpdateKey updateKey = startUpdate(jobKey, update, updateId);
      if (updateKey == null) {
        log.info("Aurora job {}/{} is unchanged by the proposed update; nothing to do", cluster, jobPath(jobKey));
        return;
      }
      awaitUpdate(jobKey, updateKey, deadline, timeout);
    } catch (AuroraResponseException e) {
      throw map(e);
    }
  }

  /** A name-based UUID of the update's task config and instance count (before the metadata is set). */
  private static String updateId(JobUpdateRequest update) {
    try {
      byte[] task = new TSerializer(new TBinaryProtocol.Factory()).serialize(update.getTaskConfig());
      byte[] bytes = ByteBuffer.allocate(task.length + 4).put(task).putInt(update.getInstanceCount()).array();
      return UUID.nameUUIDFromBytes(bytes).toString();
    } catch (TException e) {
      throw new IllegalStateException("cannot serialize a task config", e);
    }
  }

  /** Starts the update, or finds ours already active; null when Aurora found the job unchanged. */
  private JobUpdateKey startUpdate(JobKey job, JobUpdateRequest update, String updateId) {
    try {
      return startUpdateOnce(job, update, updateId);
    } catch (DependencyTimeoutException e) {
      // The start may have reached Aurora; our update id makes the second attempt recognise it.
      log.warn("startJobUpdate for {}/{} timed out; trying once more with the same update id", cluster,
          jobPath(job));
      return startUpdateOnce(job, update, updateId);
    }
  }

  private JobUpdateKey startUpdateOnce(JobKey job, JobUpdateRequest update, String updateId) {
    try {
      StartJobUpdateResult started = client.startJobUpdate(update, UPDATE_MESSAGE);
      if (started == null) {
        // Aurora compares with the active tasks only: our own update may have replaced them all and still be
        // waiting for them to run long enough. Then follow it rather than report success early.
        return activeUpdateWithId(job, updateId);
      }
      log.info("Aurora started update {} of {}/{} to {} instances", started.getKey().getId(), cluster,
          jobPath(job), update.getInstanceCount());
      return started.getKey();
    } catch (AuroraResponseException e) {
      StartJobUpdateResult existing = e.response() != null && e.response().getResult() != null
          && e.response().getResult().isSetStartJobUpdateResult()
          ? e.response().getResult().getStartJobUpdateResult() : null;
      if (e.code() != ResponseCode.INVALID_REQUEST || existing == null || existing.getKey() == null) {
        throw e;
      }
      if (carriesUpdateId(existing.getUpdateSummary(), updateId)) {
        log.info("update {} of {}/{} is this same update, already started; following it",
            existing.getKey().getId(), cluster, jobPath(job));
        return existing.getKey();
      }
      String status = existing.getUpdateSummary() == null || existing.getUpdateSummary().getState() == null
          ? "unknown" : existing.getUpdateSummary().getState().getStatus().name();
      throw new ConflictException("an Aurora job update is already in progress for job " + cluster + "/"
          + jobPath(job) + " (update " + existing.getKey().getId() + ", " + status
          + "); wait for it to finish or abort it, then retry", null, e);
    }
  }

  /** The key of the job's active update carrying this update id, or null. */
  private JobUpdateKey activeUpdateWithId(JobKey job, String updateId) {
    List<JobUpdateSummary> active = client.getJobUpdateSummaries(new JobUpdateQuery().setJobKey(job)
        .setUpdateStatuses(EnumSet.copyOf(aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES)));
    for (JobUpdateSummary summary : active) {
      if (carriesUpdateId(summary, updateId)) {
        log.info("the job is already as requested but update {} of {}/{}, this same update, is still active; "
            + "following it", summary.getKey().getId(), cluster, jobPath(job));
        return summary.getKey();
      }
    }
    return null;
  }

  private static boolean carriesUpdateId(JobUpdateSummary summary, String updateId) {
    if (summary == null || summary.getMetadata() == null) {
      return false;
    }
    return summary.getMetadata().stream()
        .anyMatch(m -> UPDATE_ID_METADATA.equals(m.getKey()) && updateId.equals(m.getValue()));
  }

  /** Polls until the update is no longer active; aborts it at the deadline. */
  private void awaitUpdate(JobKey job, JobUpdateKey update, long deadline, Duration timeout) {
    long wait = updatePolicy.firstPoll().toMillis();
    while (true) {
      JobUpdateStatus status = pollStatus(update);
      if (status != null && !aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES.contains(status)) {
        finished(job, update, status);
        return;
      }
      long remaining = (deadline - System.nanoTime()) / 1_000_000;
      if (remaining <= 0) {
        abortAfterTimeout(job, update, timeout);
        return;
      }
      pause(Math.min(wait, remaining));
      wait = Math.min(wait * 2, updatePolicy.maxPoll().toMillis());
    }
  }

  /** The update's status, or null when Aurora could not be asked this time (the deadline still applies). */
  private JobUpdateStatus pollStatus(JobUpdateKey update) {
    List<JobUpdateSummary> summaries;
    try {
      summaries = client.getJobUpdateSummaries(new JobUpdateQuery().setKey(update));
    } catch (DependencyUnavailableException | DependencyTimeoutException e) {
      log.warn("cannot read the status of Aurora update {} now: {}", update.getId(), e.getMessage());
      return null;
    }
    if (summaries.isEmpty() || summaries.get(0).getState() == null) {
      throw new DependencyFailedException("the Aurora scheduler of cluster " + cluster + " no longer knows update "
          + update.getId() + " of job " + jobPath(update.getJob()) + "; check the job and retry the update");
    }
    return summaries.get(0).getState().getStatus();
  }

  private void finished(JobKey job, JobUpdateKey update, JobUpdateStatus status) {
    if (status == JobUpdateStatus.ROLLED_FORWARD) {
      log.info("Aurora update {} of {}/{} rolled forward", update.getId(), cluster, jobPath(job));
      return;
    }
    String why = switch (status) {
      case ROLLED_BACK -> "a new task failed and Aurora rolled the job back to its previous configuration;"
          + " check the new tasks' logs";
      case ABORTED -> "someone aborted it";
      default -> "Aurora gave up on it";
    };
    throw new DependencyFailedException("the Aurora job update " + update.getId() + " of " + cluster + "/"
        + jobPath(job) + " ended " + status + ": " + why + "; fix the cause and retry the update");
  }

  private void abortAfterTimeout(JobKey job, JobUpdateKey update, Duration timeout) {
    String message = "Aborted by the Heron control plane: not finished within " + timeout;
    try {
      client.abortJobUpdate(update, message);
    } catch (AuroraResponseException e) {
      // It may have finished between the last poll and the abort.
      JobUpdateStatus status = pollStatus(update);
      if (status != null && !aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES.contains(status)) {
        finished(job, update, status);
        return;
      }
      throw new DependencyTimeoutException("the Aurora job update " + update.getId() + " of " + cluster + "/"
          + jobPath(job) + " did not finish within " + timeout + " and could not be aborted (" + e.details()
          + "); abort it with the Aurora client, then retry", null, e);
    } catch (DependencyUnavailableException | DependencyTimeoutException e) {
      throw new DependencyTimeoutException("the Aurora job update " + update.getId() + " of " + cluster + "/"
          + jobPath(job) + " did not finish within " + timeout + " and the scheduler could not be reached to abort"
          + " it (" + e.getMessage() + "); abort it with the Aurora client, then retry", null, e);
    }
    log.warn("Aurora update {} of {}/{} did not finish within {}; aborted", update.getId(), cluster, jobPath(job),
        timeout);
    throw new DependencyTimeoutException("the Aurora job update " + update.getId() + " of " + cluster + "/"
        + jobPath(job) + " did not finish within " + timeout + " and was aborted, so its instances may run a mix of"
        + " the old and new configuration; retry the update with a longer timeout");
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyUnavailableException("interrupted while waiting for an Aurora job update", null, e);
    }
  }

  @Override
  public JobStatus status(TopologyKey key) {
    return status(key, null, Integer.MAX_VALUE);
  }

  /**
   * Tasks of instances {@code >= instances}, and tasks whose {@code heron.topology.id} metadata names another
   * topology (an earlier one of the same name), are left out; tasks without that metadata (jobs not made by this
   * service) count.
   */
  @Override
  public JobStatus status(TopologyKey key, String topologyId, int instances) {
    List<ScheduledTask> tasks;
    try {
      tasks = client.getTasksWithoutConfigs(new TaskQuery().setJobKeys(Set.of(jobKey(key))));
    } catch (AuroraResponseException e) {
      throw map(e);
    }
    tasks = tasks.stream().filter(task -> {
      if (task.getAssignedTask().getInstanceId() >= instances) {
        return false;
      }
      String id = topologyId == null ? null : topologyIdOf(task);
      return id == null || id.equals(topologyId);
    }).toList();
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
    return new JobStatus(exists, counts, lastFailure(tasks));
  }

  /** The task that entered FAILED or LOST last, with the event that says why. */
  private static JobStatus.TaskFailure lastFailure(List<ScheduledTask> tasks) {
    JobStatus.TaskFailure last = null;
    for (ScheduledTask task : tasks) {
      if (task.getStatus() != ScheduleStatus.FAILED && task.getStatus() != ScheduleStatus.LOST) {
        continue;
      }
      List<TaskEvent> events = task.getTaskEvents() == null ? List.of() : task.getTaskEvents();
      TaskEvent event = events.stream().filter(e -> e.getStatus() == task.getStatus())
          .reduce((first, second) -> second).orElse(null);
      long time = event == null ? 0 : event.getTimestamp();
      if (last == null || time > last.time().toEpochMilli()) {
        last = new JobStatus.TaskFailure(task.getAssignedTask().getInstanceId(), task.getAssignedTask().getTaskId(),
            task.getStatus().name(), event == null ? null : event.getMessage(), Instant.ofEpochMilli(time));
      }
    }
    return last;
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
