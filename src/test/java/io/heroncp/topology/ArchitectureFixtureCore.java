package io.heroncp.topology;

import io.heroncp.zookeeper.ArchitectureFixtureAdapter;

/**
 * A deliberate violation for ArchitectureRulesFailTest: the core naming an adapter (and a cycle
 * with it).
 */
public class ArchitectureFixtureCore {

  ArchitectureFixtureAdapter adapter;
}
