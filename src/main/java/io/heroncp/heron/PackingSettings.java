package io.heroncp.heron;

import io.heroncp.problems.InvalidFieldException;
import java.util.Map;

/**
 * The packing's config lookup: effective config first, then the definition's own config; a value
 * that does not parse is a 422 naming its key.
 */
final class PackingSettings {
  private final Map<String, String> effective;
  private final Map<String, String> own;

  PackingSettings(TopologyDefinition definition, Map<String, String> effective) {
    this.effective = effective == null ? Map.of() : effective;
    this.own = definition.config();
  }

  String get(String key) {
    String value = effective.get(key);
    return value != null ? value : own.get(key);
  }

  int integer(String key, int absent) {
    String value = get(key);
    try {
      return value == null ? absent : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a whole number", e);
    }
  }

  long bytes(String key, long absent) {
    String value = get(key);
    try {
      return value == null ? absent : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a whole number of bytes", e);
    }
  }

  double cores(String key, double absent) {
    String value = get(key);
    try {
      return value == null ? absent : Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a number of CPU cores", e);
    }
  }

  Map<String, Long> bytesMap(String key, Map<String, Integer> components) {
    try {
      return ComponentValueMap.parseBytes(key, get(key), components.keySet());
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(e.getMessage(), key, e);
    }
  }

  Map<String, Double> coresMap(String key, Map<String, Integer> components) {
    try {
      return ComponentValueMap.parseCores(key, get(key), components.keySet());
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(e.getMessage(), key, e);
    }
  }

  private static InvalidFieldException invalid(
      String key, String value, String expected, Exception e) {
    return new InvalidFieldException(
        key + "='" + value + "' is not " + expected + "; fix or remove it", key, e);
  }
}
