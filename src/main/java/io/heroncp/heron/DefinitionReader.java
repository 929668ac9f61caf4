package io.heroncp.heron;

import com.google.protobuf.InvalidProtocolBufferException;
import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.MalformedRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Reads an uploaded Heron topology definition ({@code .defn}: the bytes of a protobuf {@code
 * heron.proto.api.Topology}) and checks it with the rules of Heron's {@code
 * TopologyUtils.verifyTopology}. Stateless and thread-safe.
 */
@Component
public class DefinitionReader {

  /** The multipart field a definition arrives in; errors name it. */
  public static final String FIELD = "definition";

  /**
   * Parses and verifies a definition.
   *
   * @throws MalformedRequestException (field {@code definition}) if the bytes are not a complete
   *     Topology
   * @throws InvalidFieldException (field {@code definition}) if the topology breaks one of Heron's
   *     rules: empty name, name with {@code .} or {@code /}, a bolt input naming a stream no
   *     component outputs, an unparseable {@code topology.component.rammap}, or a component without
   *     a whole-number parallelism
   */
  public TopologyDefinition read(byte[] bytes) {
    TopologyAPI.Topology topology = parse(bytes);
    verify(topology);
    List<TopologyDefinition.Component> components = new ArrayList<>();
    for (TopologyAPI.Spout spout : topology.getSpoutsList()) {
      components.add(component(spout.getComp(), TopologyDefinition.Kind.SPOUT));
    }
    for (TopologyAPI.Bolt bolt : topology.getBoltsList()) {
      components.add(component(bolt.getComp(), TopologyDefinition.Kind.BOLT));
    }
    return new TopologyDefinition(
        topology.getId(),
        topology.getName(),
        components,
        stringValues(topology.getTopologyConfig()),
        topology.getState() == TopologyAPI.TopologyState.PAUSED,
        bytes.clone(),
        trim(topology).toByteArray());
  }

  /** {@link #read(byte[])} of a file's contents, e.g. a multipart upload streamed to disk. */
  public TopologyDefinition read(Path file) throws IOException {
    return read(Files.readAllBytes(file));
  }

  /**
   * The topology as Heron stores it in {@code topologies/<name>}: a copy with every spout's and
   * bolt's {@code comp.serialized_object} cleared (Heron's {@code LaunchRunner.trimTopology});
   * class names, specs and configs stay.
   */
  static TopologyAPI.Topology trim(TopologyAPI.Topology topology) {
    TopologyAPI.Topology.Builder builder = topology.toBuilder();
    for (TopologyAPI.Spout.Builder spout : builder.getSpoutsBuilderList()) {
      spout.getCompBuilder().clearSerializedObject();
    }
    for (TopologyAPI.Bolt.Builder bolt : builder.getBoltsBuilderList()) {
      bolt.getCompBuilder().clearSerializedObject();
    }
    return builder.build();
  }

  private static TopologyAPI.Topology parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedRequestException(
          "The definition is empty; upload the <name>.defn file the topology's main wrote", FIELD);
    }
    try {
      // parseFrom also rejects messages that lack required fields (id, name, state, component
      // configs).
      return TopologyAPI.Topology.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedRequestException(
          "The definition is not a Heron topology definition ("
              + e.getMessage()
              + "); upload the <name>.defn file that HeronSubmitter wrote",
          FIELD,
          e);
    }
  }

  private static void verify(TopologyAPI.Topology topology) {
    String name = topology.getName();
    if (name.isEmpty()) {
      throw new InvalidFieldException(
          "Missing topology name; submit the topology with a non-empty name", FIELD);
    }
    if (name.contains(".") || name.contains("/")) {
      throw new InvalidFieldException(
          "Invalid topology name '" + name + "': a topology name must not contain '.' or '/'",
          FIELD);
    }
    Set<String> components = componentParallelism(topology).keySet();
    String ramMap =
        stringValues(topology.getTopologyConfig()).get(HeronConfigKeys.COMPONENT_RAM_MAP);
    try {
      ComponentValueMap.parseBytes(HeronConfigKeys.COMPONENT_RAM_MAP, ramMap, components);
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(
          e.getMessage() + "; fix the topology's component RAM map", FIELD, e);
    }
    Set<String> outputs = new LinkedHashSet<>();
    for (TopologyAPI.Spout spout : topology.getSpoutsList()) {
      spout.getOutputsList().forEach(output -> outputs.add(streamKey(output.getStream())));
    }
    for (TopologyAPI.Bolt bolt : topology.getBoltsList()) {
      bolt.getOutputsList().forEach(output -> outputs.add(streamKey(output.getStream())));
    }
    for (TopologyAPI.Bolt bolt : topology.getBoltsList()) {
      for (TopologyAPI.InputStream input : bolt.getInputsList()) {
        String key = streamKey(input.getStream());
        if (!outputs.contains(key)) {
          throw new InvalidFieldException(
              "Invalid input stream "
                  + key
                  + " of bolt '"
                  + bolt.getComp().getName()
                  + "': no component outputs it; existing streams are "
                  + outputs,
              FIELD);
        }
      }
    }
  }

  /**
   * Component name to parallelism, spouts then bolts, as Heron's {@code getComponentParallelism}.
   */
  private static Map<String, Integer> componentParallelism(TopologyAPI.Topology topology) {
    Map<String, Integer> parallelism = new LinkedHashMap<>();
    topology
        .getSpoutsList()
        .forEach(s -> parallelism.put(s.getComp().getName(), parallelism(s.getComp())));
    topology
        .getBoltsList()
        .forEach(b -> parallelism.put(b.getComp().getName(), parallelism(b.getComp())));
    return parallelism;
  }

  private static int parallelism(TopologyAPI.Component component) {
    String value = stringValues(component.getConfig()).get(HeronConfigKeys.COMPONENT_PARALLELISM);
    if (value == null) {
      throw new InvalidFieldException(
          "Component '"
              + component.getName()
              + "' has no "
              + HeronConfigKeys.COMPONENT_PARALLELISM
              + "; build the topology with heron-api's TopologyBuilder",
          FIELD);
    }
    try {
      int parallelism = Integer.parseInt(value.trim());
      if (parallelism < 0) {
        throw new NumberFormatException("negative");
      }
      return parallelism;
    } catch (NumberFormatException e) {
      throw new InvalidFieldException(
          "Component '"
              + component.getName()
              + "' has "
              + HeronConfigKeys.COMPONENT_PARALLELISM
              + "='"
              + value
              + "', which is not a whole number >= 0",
          FIELD,
          e);
    }
  }

  private static TopologyDefinition.Component component(
      TopologyAPI.Component component, TopologyDefinition.Kind kind) {
    return new TopologyDefinition.Component(
        component.getName(), kind, parallelism(component), stringValues(component.getConfig()));
  }

  /**
   * The config's key/values that carry a plain string {@code value} (Java-serialized values are
   * skipped).
   */
  private static Map<String, String> stringValues(TopologyAPI.Config config) {
    Map<String, String> values = new LinkedHashMap<>();
    for (TopologyAPI.Config.KeyValue kv : config.getKvsList()) {
      // Heron's getConfigWithDefault takes the first match, so the first occurrence wins here too.
      if (kv.hasValue()) {
        values.putIfAbsent(kv.getKey(), kv.getValue());
      }
    }
    return values;
  }

  private static String streamKey(TopologyAPI.StreamId stream) {
    return stream.getComponentName() + "/" + stream.getId();
  }
}
