package io.heroncp.topology;

/**
 * The control plane's state of a topology. Heron itself only knows RUNNING/PAUSED (in the physical
 * plan); the other states describe what the control plane is doing or has observed.
 */
public enum TopologyState {
  /** Intent recorded in ZooKeeper; the Aurora job is being created. */
  SUBMITTING,
  /**
   * Aurora accepted the job; not every instance has a RUNNING task yet, or the topology manager has
   * not announced itself ({@code tmanagers/<name>}).
   */
  STARTING,
  /** Every instance has a RUNNING task, the topology manager is up and the topology processes. */
  RUNNING,
  /**
   * Every instance has a RUNNING task, the topology manager is up and the topology is deactivated.
   */
  PAUSED,
  /** Containers are being restarted; lasts until every task runs and the topology manager is up. */
  RESTARTING,
  /** An update is being applied; lasts until every task runs and the topology manager is up. */
  UPDATING,
  /** Kill accepted; the Aurora job is being killed and Heron's state removed. */
  KILLING,
  /** Killed: only ever returned by the kill itself, the record is gone afterwards. */
  KILLED,
  /** The Aurora job vanished or a launch could not be completed or rolled back. */
  FAILED
}
