package io.heroncp.simulator;

/**
 * Told about every status a simulated task enters. {@link AuroraSimulator} calls its listeners on
 * one event thread of its own, in the order the changes happened and after the change that caused
 * them is complete, never under the simulator's monitor; so a listener may call the simulator back,
 * and a slow listener delays only later notifications.
 */
@FunctionalInterface
public interface TaskStatusListener {

  void onTaskStatus(TaskStatusChange change);
}
