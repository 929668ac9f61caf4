package io.heroncp.heron;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Parses Heron's per-component config maps ({@code topology.component.rammap}, {@code .cpumap},
 * {@code .diskmap}), written {@code comp1:value,comp2:value}, with the rules of Heron's {@code
 * TopologyUtils.getComponentConfigMap}: empty tokens are skipped, every token must be exactly
 * {@code name:value}, and every name must be a component of the topology. Values are returned
 * unparsed.
 */
final class ComponentValueMap {

  private ComponentValueMap() {}

  /**
   * @throws IllegalArgumentException with a message naming {@code key} when the map breaks a rule
   */
  static Map<String, String> parse(String key, String value, Set<String> components) {
    Map<String, String> values = new LinkedHashMap<>();
    if (value == null) {
      return values;
    }
    for (String token : value.split(",")) {
      if (token.trim().isEmpty()) {
        continue;
      }
      String[] nameAndValue = token.split(":");
      if (nameAndValue.length != 2) {
        throw new IllegalArgumentException(
            "Malformed component config " + key + ": '" + token + "' is not component:value");
      }
      if (!components.contains(nameAndValue[0])) {
        throw new IllegalArgumentException(
            "Invalid component in "
                + key
                + ": '"
                + nameAndValue[0]
                + "' not found; components are "
                + components);
      }
      values.put(nameAndValue[0], nameAndValue[1]);
    }
    return values;
  }

  /**
   * {@link #parse} with every value read as a byte count ({@code Long.parseLong}, as Heron does).
   */
  static Map<String, Long> parseBytes(String key, String value, Set<String> components) {
    Map<String, Long> bytes = new LinkedHashMap<>();
    parse(key, value, components)
        .forEach(
            (name, amount) -> {
              try {
                bytes.put(name, Long.parseLong(amount));
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                    "Malformed component config "
                        + key
                        + ": '"
                        + amount
                        + "' for '"
                        + name
                        + "' is not a whole number of bytes",
                    e);
              }
            });
    return bytes;
  }

  /**
   * {@link #parse} with every value read as CPU cores ({@code Double.parseDouble}, as Heron does).
   */
  static Map<String, Double> parseCores(String key, String value, Set<String> components) {
    Map<String, Double> cores = new LinkedHashMap<>();
    parse(key, value, components)
        .forEach(
            (name, amount) -> {
              try {
                cores.put(name, Double.parseDouble(amount));
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                    "Malformed component config "
                        + key
                        + ": '"
                        + amount
                        + "' for '"
                        + name
                        + "' is not a number of cores",
                    e);
              }
            });
    return cores;
  }
}
