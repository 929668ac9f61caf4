package io.heroncp.zookeeper;

import io.heroncp.topology.ArchitectureFixtureCore;

/** The other half of ArchitectureRulesFailTest's deliberate cycle. */
public class ArchitectureFixtureAdapter {

  ArchitectureFixtureCore core;
}
