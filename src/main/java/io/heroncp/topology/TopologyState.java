package io.heroncp.topology;

/**
 * The control plane's state of a topology. Heron itself only knows RUNNING/PAUSED (in the physical
 * plan); the other states describe what the control plane is doing or has found.
 */
public enum TopologyState {
  /** Intent recorded in ZooKeeper; the Aurora job is being created. */
  SUBMITTING,
  /** The Aurora job exists and the topology is (to be) processing. */
  RUNNING,
  /** The Aurora job exists and the topology is deactivated. */
  PAUSED,
  RESTARTING,
  UPDATING,
  /** Kill accepted; the Aurora job is being killed and Heron's state removed. */
  KILLING,
  /** Killed: only ever returned by the kill itself, the record is gone afterwards. */
  KILLED,
  /** The Aurora job vanished or a launch could not be completed or rolled back. */
  FAILED
}
