package io.heroncp.topology;

import java.util.List;

/**
 * Talks to a running topology's Heron topology manager (TManager), as Heron's runtime manager does:
 * finds it through {@code tmanagers/<name>} under the cluster's Heron root, and reads the runtime
 * state from {@code pplans/<name>}.
 *
 * <p>Errors: no TManager location or no physical plan yet: {@code DependencyUnavailableException}
 * (503) whose message says the topology manager has not started yet; the TManager refusing (HTTP
 * 400, e.g. a wrong topology id or state): {@code ConflictException} (409) with its answer;
 * unreachable: 503; timeout: 504.
 */
public interface TopologyManagerClient {

  /**
   * Heron's runtime state from the physical plan ({@code RUNNING}/{@code PAUSED}), or null before
   * there is one.
   */
  String runtimeState(String heronRoot, String topologyName);

  /** {@code GET /activate?topologyid=<id>} on the TManager's controller port. */
  void activate(String heronRoot, String topologyName, String topologyId);

  /** {@code GET /deactivate?topologyid=<id>}. */
  void deactivate(String heronRoot, String topologyName, String topologyId);

  /** {@code GET /runtime_config/update?topologyid=<id>&runtime-config=<c:k:v>...}. */
  void updateRuntimeConfig(
      String heronRoot, String topologyName, String topologyId, List<String> runtimeConfig);

  /**
   * Removes the TManager location ({@code tmanagers/<name>}), as Heron does before restarting
   * container 0. Idempotent.
   */
  void clearLocation(String heronRoot, String topologyName);

  /**
   * Whether the topology manager of this topology has announced itself ({@code tmanagers/<name>}
   * exists), from a watched in-memory cache of {@code tmanagers/} under {@code heronRoot}: no
   * ZooKeeper call once that root is watched (the first call for a root starts watching it).
   */
  boolean announced(String heronRoot, String topologyName);

  /** Registers a listener told when a topology manager announces itself or its location goes. */
  void addAnnouncementListener(AnnouncementListener listener);

  /** Told about topology-manager locations; must be fast and must not throw. */
  @FunctionalInterface
  interface AnnouncementListener {
    void changed(String heronRoot, String topologyName, boolean announced);
  }
}
