package io.heroncp.heron;

/**
 * Heron's {@code heron.proto.api.TopologyState}; the runtime one lives in {@code pplans/<name>}.
 */
public enum HeronTopologyState {
  RUNNING,
  PAUSED,
  KILLED
}
