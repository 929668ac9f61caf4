package io.heroncp.aurora;

import io.heroncp.aurora.thrift.InstanceKey;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.problems.ConflictException;
import io.heroncp.topology.TopologyKey;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kill, restart, add and scale the instances of a running job, as Heron's {@code aurora job
 * kill/restart/add} do. Every call returns once Aurora accepted it; the tasks then change state on
 * their own.
 */
final class InstanceOperations {

  static final String KILL_MESSAGE = "Killed by the Heron control plane";
  private static final Logger log = LoggerFactory.getLogger(InstanceOperations.class);

  private final String cluster;
  private final AuroraThriftClient client;
  private final ActiveTasks tasks;
  private final AuroraProblems problems;

  InstanceOperations(
      String cluster, AuroraThriftClient client, ActiveTasks tasks, AuroraProblems problems) {
    this.cluster = cluster;
    this.client = client;
    this.tasks = tasks;
    this.problems = problems;
  }

  /** Kills every active instance; a job without any is already killed. */
  void killJob(TopologyKey key) {
    JobKey jobKey = JobKeys.of(key);
    try {
      Set<Integer> instances = tasks.instanceIds(jobKey);
      if (instances.isEmpty()) {
        log.info("Aurora job {} has no active task; nothing to kill", key);
        return;
      }
      client.killTasks(jobKey, instances, KILL_MESSAGE);
      log.info("Aurora accepted the kill of {} instances {}", key, instances);
    } catch (AuroraResponseException e) {
      throw problems.of(e);
    }
  }

  /**
   * One {@code restartShards} call with every id, as Heron's {@code aurora job restart --batch-size
   * MAX} does (the tasks then go RESTARTING, KILLED, and a new task per instance is scheduled). Not
   * idempotent in effect: a retry restarts the instances again.
   *
   * @throws IllegalArgumentException the set is null, empty or holds a negative id
   * @throws ConflictException an instance is not active (Aurora's "Not all requested shards are
   *     active."), or a job update is in progress
   */
  void restart(TopologyKey key, Set<Integer> instances) {
    Set<Integer> ids = checkedInstances(instances, "restart");
    JobKey job = JobKeys.of(key);
    try {
      client.restartShards(job, ids);
      log.info("Aurora accepted the restart of {} instances {}", key, ids);
    } catch (AuroraResponseException e) {
      throw problems.ofRestart(job, ids, e);
    }
  }

  /**
   * As Heron's {@code aurora job add <jobkey>/0 <count>}: reads the active instances, then one
   * {@code addInstances(InstanceKey(job, 0), count)}; Aurora numbers the new instances from the
   * highest active id plus one (they start PENDING).
   *
   * <p><b>Not idempotent</b>: each call adds {@code count} more instances, and a call that failed
   * with a timeout may have added them. To make a job have a given number of instances safely,
   * retry included, use {@link #scaleTo}.
   *
   * @return the new ids, {@code max(active)+1 … max(active)+count}
   * @throws IllegalArgumentException count is not positive
   * @throws ConflictException instance 0 (the template) is not active, or a job update is in
   *     progress
   */
  List<Integer> addInstances(TopologyKey key, int count) {
    if (count <= 0) {
      throw new IllegalArgumentException(
          "the number of instances to add must be positive, got " + count);
    }
    JobKey job = JobKeys.of(key);
    try {
      return add(job, tasks.instanceIds(job), count);
    } catch (AuroraResponseException e) {
      throw problems.ofAdd(job, e);
    }
  }

  private List<Integer> add(JobKey job, SortedSet<Integer> active, int count) {
    if (!active.contains(0)) {
      throw problems.noTemplate(job, null);
    }
    int first = active.last() + 1;
    client.addInstances(new InstanceKey(job, 0), count);
    List<Integer> added = IntStream.range(first, first + count).boxed().toList();
    log.info(
        "Aurora accepted {} new instances {} of {}/{}, cloned from instance 0",
        count,
        added,
        cluster,
        JobKeys.path(job));
    return added;
  }

  /**
   * Makes the job have exactly the instances {@code 0 … instanceCount-1}: kills the active
   * instances with an id of {@code instanceCount} or more, then, if the active ids are {@code 0 …
   * m} with {@code m + 1 < instanceCount}, adds {@code instanceCount - m - 1} instances cloned from
   * instance 0 (Aurora numbers them {@code m+1 …}).
   *
   * <p>Idempotent and safe to retry after any failure, a timeout included: it compares with
   * Aurora's active instances every time, so an earlier attempt that did take effect makes it a
   * no-op. Not safe against a concurrent change of the same job (the caller serialises operations
   * on a topology).
   *
   * @param instanceCount the wanted number of instances (topology manager + containers), at least 1
   * @throws IllegalArgumentException instanceCount &lt; 1 (kill the job instead)
   * @throws ConflictException instance 0 is not active, an id below the highest active one is
   *     missing (Aurora can only add instances after the highest one; an update recreates it), or a
   *     job update is in progress
   */
  void scaleTo(TopologyKey key, int instanceCount) {
    if (instanceCount < 1) {
      throw new IllegalArgumentException(
          "a job needs at least one instance, got "
              + instanceCount
              + "; kill the job to remove every instance");
    }
    JobKey job = JobKeys.of(key);
    try {
      SortedSet<Integer> active = tasks.instanceIds(job);
      SortedSet<Integer> surplus = new TreeSet<>(active.tailSet(instanceCount));
      if (!surplus.isEmpty()) {
        client.killTasks(job, surplus, KILL_MESSAGE);
        log.info(
            "Aurora accepted the kill of {} instances {} (scaling to {})",
            key,
            surplus,
            instanceCount);
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
          throw problems.noTemplate(job, null);
        }
        throw new ConflictException(
            "instances "
                + missing
                + " of Aurora job "
                + cluster
                + "/"
                + JobKeys.path(job)
                + " are not active while higher ones are; Aurora adds instances only after the highest active one. "
                + "Update the job (which recreates missing instances) or kill and resubmit the topology",
            null);
      }
      add(job, kept, instanceCount - kept.size());
    } catch (AuroraResponseException e) {
      throw problems.ofAdd(job, e);
    }
  }

  /**
   * Reads the active instances and sends one {@code killTasks} with those of {@code instances} that
   * are active; ids that are not active are skipped, and when none is, nothing is sent. Never sends
   * an empty set (which Aurora reads as the whole job).
   *
   * @throws IllegalArgumentException the set is null, empty or holds a negative id
   * @throws ConflictException a job update is in progress
   */
  void killInstances(TopologyKey key, Set<Integer> instances) {
    Set<Integer> ids = checkedInstances(instances, "kill");
    JobKey job = JobKeys.of(key);
    try {
      Set<Integer> killed = new TreeSet<>(ids);
      killed.retainAll(tasks.instanceIds(job));
      if (killed.isEmpty()) {
        log.info("none of instances {} of {} is active; nothing to kill", ids, key);
        return;
      }
      client.killTasks(job, killed, KILL_MESSAGE);
      log.info("Aurora accepted the kill of {} instances {}", key, killed);
    } catch (AuroraResponseException e) {
      throw problems.of(e);
    }
  }

  private static Set<Integer> checkedInstances(Set<Integer> instances, String verb) {
    if (instances == null || instances.isEmpty()) {
      throw new IllegalArgumentException(
          "name the instances to " + verb + "; an empty set would mean the whole job");
    }
    for (Integer id : instances) {
      if (id == null || id < 0) {
        throw new IllegalArgumentException("instance ids are 0 or more, got " + instances);
      }
    }
    return new TreeSet<>(instances);
  }
}
