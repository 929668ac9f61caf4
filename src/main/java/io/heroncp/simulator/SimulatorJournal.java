package io.heroncp.simulator;

import io.heroncp.aurora.thrift.ScheduledTask;
import java.util.List;

/**
 * Where the simulator writes its state as it changes, the way Aurora's scheduler writes its
 * replicated log: every task (with its events) and every job update, one write per state change,
 * and reads it back on start ({@link AuroraSimulator} resumes from it). Callers hold the
 * simulator's lock, so writes happen in the order of the changes.
 */
interface SimulatorJournal {

  /** A task was created or changed (status, events, placement). */
  void taskChanged(ScheduledTask task);

  /** A task was removed (history pruning). */
  void taskRemoved(String taskId);

  /** A job update was started or changed (status, progress). */
  void updateChanged(SimulatedJobUpdate update);

  /** Everything written so far: tasks and updates in creation order. */
  Snapshot load();

  /** What {@link #load()} read. */
  record Snapshot(List<ScheduledTask> tasks, List<SimulatedJobUpdate> updates) {}

  /** Keeps nothing: the simulator forgets everything when it stops. */
  SimulatorJournal NONE =
      new SimulatorJournal() {
        @Override
        public void taskChanged(ScheduledTask task) {}

        @Override
        public void taskRemoved(String taskId) {}

        @Override
        public void updateChanged(SimulatedJobUpdate update) {}

        @Override
        public Snapshot load() {
          return new Snapshot(List.of(), List.of());
        }
      };
}
