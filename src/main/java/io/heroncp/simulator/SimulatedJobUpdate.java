package io.heroncp.simulator;

import io.heroncp.aurora.thrift.InstanceTaskConfig;
import io.heroncp.aurora.thrift.JobInstanceUpdateEvent;
import io.heroncp.aurora.thrift.JobUpdate;
import io.heroncp.aurora.thrift.JobUpdateAction;
import io.heroncp.aurora.thrift.JobUpdateDetails;
import io.heroncp.aurora.thrift.JobUpdateEvent;
import io.heroncp.aurora.thrift.JobUpdateInstructions;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.JobUpdateState;
import io.heroncp.aurora.thrift.JobUpdateStatus;
import io.heroncp.aurora.thrift.JobUpdateStrategy;
import io.heroncp.aurora.thrift.JobUpdateSummary;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One job update in the simulator: its instructions, its status history and its progress (instances
 * queued and in flight). Not thread-safe: guarded by the simulator's lock (see {@link JobUpdater}).
 */
final class SimulatedJobUpdate {

  private static final Set<JobUpdateStatus> ACTIVE_UPDATE =
      aurora_apiConstants.ACTIVE_JOB_UPDATE_STATES;
  private static final String AUDIT_USER = AuroraSimulator.AUDIT_USER;

  final JobUpdateKey key;
  final JobUpdateRequest request;
  final TaskConfig desired;
  final JobUpdateSettings settings;
  final Set<InstanceTaskConfig> initialState;
  final Set<Integer> scope;
  final Deque<Integer> queue;
  final Set<Integer> inFlight = new TreeSet<>();
  final int groupSize;
  final long createdMs;
  long lastModifiedMs;
  long lastPulseMs;
  final List<JobUpdateEvent> events = new ArrayList<>();
  final List<JobInstanceUpdateEvent> instanceEvents = new ArrayList<>();

  SimulatedJobUpdate(
      JobUpdateKey key,
      JobUpdateRequest request,
      TaskConfig desired,
      JobUpdateSettings settings,
      Set<Integer> scope,
      Set<InstanceTaskConfig> initialState,
      long now) {
    this.key = key;
    this.request = request.deepCopy();
    this.desired = desired;
    this.settings = settings;
    this.scope = Set.copyOf(scope);
    this.queue = new ArrayDeque<>(scope);
    this.initialState = initialState;
    this.groupSize = groupSize(settings.getUpdateStrategy());
    this.createdMs = now;
    this.lastModifiedMs = now;
    this.lastPulseMs = 0;
  }

  boolean coordinated() {
    return settings.isSetBlockIfNoPulsesAfterMs() && settings.getBlockIfNoPulsesAfterMs() > 0;
  }

  boolean pulseExpired(long now) {
    return lastPulseMs == 0 || now - lastPulseMs > settings.getBlockIfNoPulsesAfterMs();
  }

  JobUpdateStatus status() {
    return events.isEmpty()
        ? JobUpdateStatus.ROLLING_FORWARD
        : events.get(events.size() - 1).getStatus();
  }

  boolean isActive() {
    return ACTIVE_UPDATE.contains(status());
  }

  void changeStatus(JobUpdateStatus status, String message, long now) {
    JobUpdateEvent event = new JobUpdateEvent(status, now).setUser(AUDIT_USER);
    if (message != null) {
      event.setMessage(message);
    }
    events.add(event);
    lastModifiedMs = now;
  }

  void instanceEvent(int instance, JobUpdateAction action, long now) {
    instanceEvents.add(new JobInstanceUpdateEvent(instance, now, action));
    lastModifiedMs = now;
  }

  JobUpdateSummary summary() {
    JobUpdateSummary summary =
        new JobUpdateSummary()
            .setKey(key.deepCopy())
            .setUser(AUDIT_USER)
            .setState(new JobUpdateState(status(), createdMs, lastModifiedMs));
    if (request.isSetMetadata()) {
      summary.setMetadata(new LinkedHashSet<>(request.getMetadata()));
    }
    return summary;
  }

  /** Aurora's details; the desired state covers only the instances the update (re)creates. */
  JobUpdateDetails details() {
    JobUpdateInstructions instructions =
        new JobUpdateInstructions()
            .setInitialState(new LinkedHashSet<>(initialState))
            .setSettings(settings.deepCopy());
    TreeSet<Integer> replacements = new TreeSet<>();
    for (int instance : scope) {
      if (instance < request.getInstanceCount()) {
        replacements.add(instance);
      }
    }
    if (!replacements.isEmpty()) {
      instructions.setDesiredState(
          new InstanceTaskConfig(desired.deepCopy(), SimulatedTaskStore.ranges(replacements)));
    }
    return new JobUpdateDetails()
        .setUpdate(new JobUpdate(summary(), instructions))
        .setUpdateEvents(new ArrayList<>(events))
        .setInstanceEvents(new ArrayList<>(instanceEvents));
  }

  static int groupSize(JobUpdateStrategy strategy) {
    if (strategy.isSetQueueStrategy()) {
      return strategy.getQueueStrategy().getGroupSize();
    }
    if (strategy.isSetBatchStrategy()) {
      return strategy.getBatchStrategy().getGroupSize();
    }
    return strategy.getVarBatchStrategy().getGroupSizes().get(0);
  }
}
