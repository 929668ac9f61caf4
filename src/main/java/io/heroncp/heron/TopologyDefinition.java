package io.heroncp.heron;

import java.util.List;
import java.util.Map;

/**
 * A parsed Heron topology definition ({@code .defn}, a protobuf {@code heron.proto.api.Topology}).
 *
 * @param id the topology id Heron generated (name + UUID)
 * @param name the topology name
 * @param components spouts then bolts, in definition order
 * @param config the topology-level config key/values that are plain strings
 * @param initiallyPaused whether the definition's state is PAUSED (heron-cli {@code
 *     --deploy-deactivated})
 * @param bytes the definition exactly as uploaded
 * @param trimmedBytes the definition with serialized spout/bolt objects removed, as Heron stores it
 *     in {@code topologies/<name>}
 */
public record TopologyDefinition(
    String id,
    String name,
    List<Component> components,
    Map<String, String> config,
    boolean initiallyPaused,
    byte[] bytes,
    byte[] trimmedBytes) {

  public TopologyDefinition {
    components = List.copyOf(components);
    config = Map.copyOf(config);
  }

  /** A spout or bolt with its parallelism and its own config key/values. */
  public record Component(String name, Kind kind, int parallelism, Map<String, String> config) {
    public Component {
      config = Map.copyOf(config);
    }
  }

  public enum Kind {
    SPOUT,
    BOLT
  }
}
