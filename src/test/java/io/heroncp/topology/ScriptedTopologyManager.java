package io.heroncp.topology;

import io.heroncp.problems.ConflictException;
import io.heroncp.problems.DependencyUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A topology-manager port over an in-memory runtime state per topology name. As the HTTP client: no
 * physical plan yet answers 503, a wrong topology id 409 (as the TManager's 400); activate and
 * deactivate change the state. Records its calls; the next calls can be told to fail.
 */
final class ScriptedTopologyManager implements TopologyManagerClient {

  private record Topology(String id, String state) {}

  final Faults faults = new Faults();
  private final Map<String, Topology> topologies = new HashMap<>();
  private final List<String> calls = new ArrayList<>();
  private final java.util.Set<String> announced = new java.util.HashSet<>();
  private final List<AnnouncementListener> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The topology's TManager is up with this runtime state (RUNNING or PAUSED). */
  synchronized void started(String name, String topologyId, String state) {
    topologies.put(name, new Topology(topologyId, state));
    announced.add(name);
  }

  @Override
  public synchronized String runtimeState(String heronRoot, String topologyName) {
    faults.before("runtimeState");
    Topology topology = topologies.get(topologyName);
    return topology == null ? null : topology.state();
  }

  @Override
  public synchronized void activate(String heronRoot, String topologyName, String topologyId) {
    change("activate", topologyName, topologyId, "RUNNING");
  }

  @Override
  public synchronized void deactivate(String heronRoot, String topologyName, String topologyId) {
    change("deactivate", topologyName, topologyId, "PAUSED");
  }

  @Override
  public synchronized void updateRuntimeConfig(
      String heronRoot, String topologyName, String topologyId, List<String> runtimeConfig) {
    String call = "updateRuntimeConfig";
    calls.add(call + " " + topologyName + " " + runtimeConfig);
    faults.before(call);
    require(topologyName, topologyId);
    faults.after(call);
  }

  @Override
  public synchronized void clearLocation(String heronRoot, String topologyName) {
    calls.add("clearLocation " + topologyName);
    faults.before("clearLocation");
    announce(heronRoot, topologyName, false);
  }

  /** The topology manager's location appears ({@code true}) or goes. */
  void announce(String heronRoot, String topologyName, boolean present) {
    synchronized (this) {
      if (present) {
        announced.add(topologyName);
      } else {
        announced.remove(topologyName);
      }
    }
    listeners.forEach(l -> l.changed(heronRoot, topologyName, present));
  }

  @Override
  public synchronized boolean announced(String heronRoot, String topologyName) {
    return announced.contains(topologyName);
  }

  @Override
  public void addAnnouncementListener(AnnouncementListener listener) {
    listeners.add(listener);
  }

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  synchronized void forgetCalls() {
    calls.clear();
  }

  private void change(String call, String name, String topologyId, String newState) {
    calls.add(call + " " + name);
    faults.before(call);
    require(name, topologyId);
    topologies.put(name, new Topology(topologyId, newState));
    faults.after(call);
  }

  private void require(String name, String topologyId) {
    Topology topology = topologies.get(name);
    if (topology == null) {
      throw new DependencyUnavailableException(
          "The topology manager of " + name + " has not started yet; retry");
    }
    if (!topology.id().equals(topologyId)) {
      throw new ConflictException(
          "The topology manager of " + name + " runs topology " + topology.id());
    }
  }
}
