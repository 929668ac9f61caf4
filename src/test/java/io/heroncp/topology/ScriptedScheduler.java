package io.heroncp.topology;

import io.heroncp.heron.Resources;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.InvalidFieldException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * An Aurora port that keeps jobs in memory, records every call it gets (and whether the topology's
 * lock was held then), and whose next calls can be told to fail before or after they take effect.
 * It keeps the adapter's contract: a create of a job that exists with the same topology id returns
 * normally, with another id answers 409; kill is idempotent; restart, scaling and updates need the
 * job; identifiers follow Aurora's pattern.
 */
final class ScriptedScheduler implements TopologyScheduler {

  private static final Pattern IDENTIFIER = Pattern.compile("^[\\w\\-\\.]+$");
  private static final Pattern ENVIRONMENTS = Pattern.compile("devel|test|prod|staging\\d*");

  /** A job: whose topology it runs and how many instances are active. */
  record Job(String topologyId, int instances) {}

  final Faults faults = new Faults();
  private final String cluster;
  private final InMemoryLocks locks;
  private final Map<TopologyKey, Job> jobs = new LinkedHashMap<>();
  private final List<String> calls = new ArrayList<>();
  private final List<String> unlockedCalls = new ArrayList<>();
  private final List<Integer> statusBatches = new ArrayList<>();

  ScriptedScheduler(String cluster, InMemoryLocks locks) {
    this.cluster = cluster;
    this.locks = locks;
  }

  @Override
  public String cluster() {
    return cluster;
  }

  @Override
  public JobRendering render(JobRequest request) {
    return new JobRendering("{\"key\":\"" + request.key() + "\"}", List.of("job " + request.key()));
  }

  @Override
  public synchronized void createJob(JobRequest request) {
    TopologyKey key = request.key();
    call("createJob", key);
    Job existing = jobs.get(key);
    if (existing != null && !existing.topologyId().equals(request.topology().id())) {
      throw new ConflictException("Aurora job " + key + " exists already (another topology)");
    }
    jobs.put(key, new Job(request.topology().id(), request.packing().containerCount() + 1));
    faults.after("createJob");
  }

  @Override
  public synchronized void killJob(TopologyKey key) {
    call("killJob", key);
    jobs.remove(key);
    faults.after("killJob");
  }

  @Override
  public synchronized JobStatus status(TopologyKey key) {
    faults.before("status");
    Job job = jobs.get(key);
    return job == null
        ? new JobStatus(false, Map.of())
        : new JobStatus(true, Map.of("RUNNING", job.instances()));
  }

  @Override
  public synchronized JobStatus status(TopologyKey key, String topologyId, int instances) {
    faults.before("status");
    Job job = jobs.get(key);
    if (job == null || (topologyId != null && !topologyId.equals(job.topologyId()))) {
      return new JobStatus(false, Map.of());
    }
    return new JobStatus(true, Map.of("RUNNING", Math.min(instances, job.instances())));
  }

  /** One call for the whole batch, as the Aurora adapter makes; the batch sizes are recorded. */
  @Override
  public synchronized Map<TopologyKey, JobStatus> statuses(List<StatusQuery> queries) {
    faults.before("status");
    statusBatches.add(queries.size());
    Map<TopologyKey, JobStatus> answer = new LinkedHashMap<>();
    for (StatusQuery query : queries) {
      Job job = jobs.get(query.key());
      answer.put(
          query.key(),
          job == null
                  || (query.topologyId() != null && !query.topologyId().equals(job.topologyId()))
              ? new JobStatus(false, Map.of())
              : new JobStatus(
                  true, Map.of("RUNNING", Math.min(query.instances(), job.instances()))));
    }
    return answer;
  }

  /** The size of each {@link #statuses} call so far, oldest first. */
  synchronized List<Integer> statusBatches() {
    return List.copyOf(statusBatches);
  }

  @Override
  public synchronized void restart(TopologyKey key, Set<Integer> instances) {
    call("restart " + instances, key);
    Job job = requireJob(key);
    if (instances.isEmpty() || instances.stream().anyMatch(i -> i < 0 || i >= job.instances())) {
      throw new InvalidFieldException(
          "instances " + instances + " are not all active in job " + key, "container_id");
    }
    faults.after("restart");
  }

  @Override
  public synchronized List<Integer> addInstances(TopologyKey key, int count) {
    call("addInstances " + count, key);
    Job job = requireJob(key);
    jobs.put(key, new Job(job.topologyId(), job.instances() + count));
    faults.after("addInstances");
    return IntStream.range(job.instances(), job.instances() + count).boxed().toList();
  }

  @Override
  public synchronized void scaleTo(TopologyKey key, int instanceCount) {
    call("scaleTo " + instanceCount, key);
    Job job = requireJob(key);
    jobs.put(key, new Job(job.topologyId(), instanceCount));
    faults.after("scaleTo");
  }

  @Override
  public synchronized void killInstances(TopologyKey key, Set<Integer> instances) {
    call("killInstances " + instances, key);
    if (instances.isEmpty()) {
      throw new IllegalArgumentException("killInstances needs instances");
    }
    Job job = requireJob(key);
    jobs.put(
        key,
        new Job(
            job.topologyId(),
            job.instances() - (int) instances.stream().filter(i -> i < job.instances()).count()));
    faults.after("killInstances");
  }

  @Override
  public synchronized void updateJob(JobRequest request, Duration timeout) {
    TopologyKey key = request.key();
    call("updateJob " + (request.packing().containerCount() + 1), key);
    Job job = requireJob(key);
    jobs.put(key, new Job(job.topologyId(), request.packing().containerCount() + 1));
    faults.after("updateJob");
  }

  @Override
  public List<String> describeUpdate(TopologyKey key, int instanceCount, Resources perInstance) {
    return List.of("scheduler: update " + key + " to " + instanceCount);
  }

  @Override
  public List<String> describeScale(TopologyKey key, int from, int to) {
    return from == to ? List.of() : List.of("scheduler: scale " + key + " " + from + "->" + to);
  }

  @Override
  public void checkIdentifier(String field, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches() || value.length() > 255) {
      throw new InvalidFieldException(
          "Aurora accepts only letters, digits, '_', '-' and '.' in the " + field, field);
    }
  }

  @Override
  public void checkEnvironment(String environment) {
    if (!ENVIRONMENTS.matcher(environment).matches()) {
      throw new InvalidFieldException(
          "environment '" + environment + "' is not allowed", "environment");
    }
  }

  @Override
  public SchedulerProbe probe() {
    return new SchedulerProbe("scripted", "memory", true, null);
  }

  /** The job's active instance count, or 0 when there is no job. */
  synchronized int instances(TopologyKey key) {
    Job job = jobs.get(key);
    return job == null ? 0 : job.instances();
  }

  synchronized boolean hasJob(TopologyKey key) {
    return jobs.containsKey(key);
  }

  /** A job that exists without this service having created it now (e.g. created before a crash). */
  synchronized void putJob(TopologyKey key, String topologyId, int instances) {
    jobs.put(key, new Job(topologyId, instances));
  }

  synchronized void removeJob(TopologyKey key) {
    jobs.remove(key);
  }

  /** The changing calls received, e.g. {@code createJob local/alice/devel/t}, oldest first. */
  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** Changing calls received while the topology's lock was free: there must be none. */
  synchronized List<String> unlockedCalls() {
    return List.copyOf(unlockedCalls);
  }

  synchronized void forgetCalls() {
    calls.clear();
    statusBatches.clear();
  }

  private void call(String call, TopologyKey key) {
    String entry = call + " " + key;
    calls.add(entry);
    if (!locks.isHeld(key)) {
      unlockedCalls.add(entry);
    }
    faults.before(call.split(" ")[0]);
  }

  private Job requireJob(TopologyKey key) {
    Job job = jobs.get(key);
    if (job == null) {
      throw new ConflictException("Aurora has no active job " + key);
    }
    return job;
  }
}
