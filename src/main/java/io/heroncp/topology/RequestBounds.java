package io.heroncp.topology;

import io.heroncp.heron.ExecutorConfigRules;
import io.heroncp.heron.HeronConfigKeys;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.PayloadTooLargeException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every bound of a request, checked before anything is computed, read from ZooKeeper or written:
 * identifiers (the path-safe rule Aurora's job keys and Heron's names share), lengths and counts of
 * fields, numbers parsed as {@code long} against {@link LimitsProperties}. Each refusal is a 422
 * (413 for sizes) naming the field and the rule. Stateless apart from its limits; thread-safe.
 */
public final class RequestBounds {

  /**
   * Aurora's {@code GOOD_IDENTIFIER_PATTERN} ({@code \w} is ASCII here), which also keeps every
   * identifier a valid ZooKeeper path segment.
   */
  public static final Pattern IDENTIFIER = Pattern.compile("^[\\w\\-.]+$");

  /** Aurora's longest identifier. */
  public static final int MAX_IDENTIFIER_LENGTH = 255;

  /** A Heron config key: dotted words. */
  private static final Pattern CONFIG_KEY = Pattern.compile("^[\\w.\\-]+$");

  private static final int MAX_CONFIG_KEY_LENGTH = 256;

  private final LimitsProperties limits;

  public RequestBounds(LimitsProperties limits) {
    this.limits = limits;
  }

  public LimitsProperties limits() {
    return limits;
  }

  /** Checks the four identifiers of a topology path; the same rule as a submit's fields. */
  public TopologyKey key(String cluster, String role, String environment, String name) {
    identifier("cluster", cluster);
    identifier("role", role);
    identifier("environment", environment);
    identifier("name", name);
    return new TopologyKey(cluster, role, environment, name);
  }

  /** Checks one identifier (1..255 ASCII word characters, '-' or '.', not '.' or '..'). */
  public static void identifier(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidFieldException(field + " is required", field);
    }
    if (value.length() > MAX_IDENTIFIER_LENGTH
        || !IDENTIFIER.matcher(value).matches()
        || value.equals(".")
        || value.equals("..")) {
      throw new InvalidFieldException(
          field
              + " '"
              + excerpt(value)
              + "' is invalid: it must match "
              + IDENTIFIER.pattern()
              + " (ASCII letters, digits, _ - .), be at most "
              + MAX_IDENTIFIER_LENGTH
              + " characters and not be '.' or '..'",
          field);
    }
  }

  /** Refuses a request whose form fields (names and values, files excluded) are too large. */
  public void formSize(long characters) {
    if (characters > limits.maxFormSize()) {
      throw new PayloadTooLargeException(
          "The form fields hold "
              + characters
              + " characters, more than heroncp.limits.max-form-size ("
              + limits.maxFormSize()
              + ")",
          "form");
    }
  }

  /**
   * Checks a submit's config overrides: their count, keys (Heron config keys), value lengths,
   * executor rules ({@link ExecutorConfigRules}) and {@code topology.stmgrs}.
   */
  public void overrides(Map<String, String> overrides) {
    if (overrides.size() > limits.maxOverrides()) {
      throw new InvalidFieldException(
          overrides.size()
              + " config overrides is more than heroncp.limits.max-overrides ("
              + limits.maxOverrides()
              + ")",
          "overrides");
    }
    for (Map.Entry<String, String> override : overrides.entrySet()) {
      String key = override.getKey();
      String value = override.getValue() == null ? "" : override.getValue();
      if (key.length() > MAX_CONFIG_KEY_LENGTH || !CONFIG_KEY.matcher(key).matches()) {
        throw new InvalidFieldException(
            "config override key '"
                + excerpt(key)
                + "' must be a Heron config key: at most "
                + MAX_CONFIG_KEY_LENGTH
                + " letters, digits, _ . -",
            excerpt(key));
      }
      if (value.length() > limits.maxOverrideLength()) {
        throw new InvalidFieldException(
            "config override "
                + key
                + " is "
                + value.length()
                + " characters long, more than heroncp.limits.max-override-length ("
                + limits.maxOverrideLength()
                + ")",
            key);
      }
      Optional<String> violation = ExecutorConfigRules.violation(key, value);
      if (violation.isPresent()) {
        throw new InvalidFieldException("config override " + key + " " + violation.get(), key);
      }
      if (key.equals(HeronConfigKeys.STMGRS)) {
        number(key, value.trim(), 1, limits.maxContainers(), "heroncp.limits.max-containers");
      }
    }
  }

  /**
   * Checks what a definition and its effective config ask to pack: each component's parallelism,
   * the topology's total and its container count.
   */
  public void packing(TopologyDefinition definition, Map<String, String> config) {
    long total = 0;
    for (TopologyDefinition.Component component : definition.components()) {
      if (component.parallelism() > limits.maxInstancesPerComponent()) {
        throw new InvalidFieldException(
            "component "
                + excerpt(component.name())
                + " asks for "
                + component.parallelism()
                + " instances, more than heroncp.limits.max-instances-per-component ("
                + limits.maxInstancesPerComponent()
                + ")",
            "definition");
      }
      total += Math.max(0, component.parallelism());
    }
    totalInstances(total, "definition");
    String stmgrs = config.get(HeronConfigKeys.STMGRS);
    if (stmgrs != null && !stmgrs.isBlank()) {
      number(
          HeronConfigKeys.STMGRS,
          stmgrs.trim(),
          1,
          limits.maxContainers(),
          "heroncp.limits.max-containers");
    }
  }

  /** Parses {@code container_number}: one whole number, 1..max-containers; null when absent. */
  public Integer containerNumber(List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.stream().map(String::trim).distinct().count() > 1) {
      throw new InvalidFieldException(
          "container_number was given more than once with different values", "container_number");
    }
    return (int)
        number(
            "container_number",
            values.get(0).trim(),
            1,
            limits.maxContainers(),
            "heroncp.limits.max-containers");
  }

  /**
   * Parses {@code container_id} of a restart: -1 (all), or a container 0..max-containers; null when
   * absent.
   */
  public Integer containerId(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return (int)
        number(
            "container_id",
            value.trim(),
            -1,
            limits.maxContainers(),
            "-1 for all containers, else heroncp.limits.max-containers");
  }

  /**
   * Parses {@code component:N} entries (Heron's CLI regex {@code ^[\w\.-]+:[\d]+$}), N in
   * 1..max-instances-per-component.
   */
  public Map<String, Integer> parallelism(List<String> values) {
    Map<String, Integer> parsed = new LinkedHashMap<>();
    if (values == null) {
      return parsed;
    }
    entries("component_parallelism", values.size());
    for (String value : values) {
      if (value.length() > MAX_IDENTIFIER_LENGTH + 21 || !value.matches("^[\\w\\.-]+:\\d+$")) {
        throw new InvalidFieldException(
            "component_parallelism '"
                + excerpt(value)
                + "' must look like component:N (a component name of at most "
                + MAX_IDENTIFIER_LENGTH
                + " characters)",
            "component_parallelism");
      }
      int colon = value.lastIndexOf(':');
      String component = value.substring(0, colon);
      if (component.length() > MAX_IDENTIFIER_LENGTH) {
        throw new InvalidFieldException(
            "component_parallelism names a component longer than "
                + MAX_IDENTIFIER_LENGTH
                + " characters",
            "component_parallelism");
      }
      parsed.put(
          component,
          (int)
              number(
                  "component_parallelism",
                  value.substring(colon + 1),
                  1,
                  limits.maxInstancesPerComponent(),
                  "heroncp.limits.max-instances-per-component"));
    }
    return parsed;
  }

  /** Checks {@code [component:]key:value} entries (Heron's CLI regex), their count and length. */
  public List<String> runtimeConfig(List<String> values) {
    if (values == null) {
      return List.of();
    }
    entries("runtime_config", values.size());
    for (String value : values) {
      if (value.length() > limits.maxOverrideLength()
          || !value.matches("^([\\w\\.-]+:){1,2}[\\w\\.-]+$")) {
        throw new InvalidFieldException(
            "runtime_config '"
                + excerpt(value)
                + "' must look like [component:]key:value, at most "
                + limits.maxOverrideLength()
                + " characters",
            "runtime_config");
      }
    }
    return List.copyOf(new LinkedHashSet<>(values));
  }

  /**
   * Checks an update against the topology as recorded: every named component exists, and the
   * topology stays within max-instances.
   */
  public void update(TopologyRecord record, UpdateRequest update) {
    Map<String, Integer> after = new HashMap<>();
    for (TopologyRecord.ComponentSummary component : record.components()) {
      after.put(component.name(), component.parallelism());
    }
    for (Map.Entry<String, Integer> change : update.parallelism().entrySet()) {
      if (!after.containsKey(change.getKey())) {
        throw new InvalidFieldException(
            "component_parallelism names '"
                + excerpt(change.getKey())
                + "', which is not a component of "
                + record.key()
                + "; its components are "
                + after.keySet().stream().sorted().toList(),
            "component_parallelism");
      }
      after.put(change.getKey(), change.getValue());
    }
    totalInstances(
        after.values().stream().mapToLong(Integer::longValue).sum(), "component_parallelism");
  }

  /** Checks a restart's container against the recorded topology (0..containers, or -1 for all). */
  public static void restart(TopologyRecord record, Integer containerId) {
    int container = containerId == null ? -1 : containerId;
    int containers = record.packing().containers();
    if (container < -1 || container > containers) {
      throw new InvalidFieldException(
          "container_id must be -1 (all) or between 0 and "
              + containers
              + " (the topology has "
              + containers
              + " containers plus container 0)",
          "container_id");
    }
  }

  private void totalInstances(long total, String field) {
    if (total > limits.maxInstances()) {
      throw new InvalidFieldException(
          "the topology would have "
              + total
              + " instances, more than heroncp.limits.max-instances ("
              + limits.maxInstances()
              + ")",
          field);
    }
  }

  private void entries(String field, int count) {
    if (count > limits.maxOverrides()) {
      throw new InvalidFieldException(
          field
              + " was given "
              + count
              + " times, more than heroncp.limits.max-overrides ("
              + limits.maxOverrides()
              + ")",
          field);
    }
  }

  /** Parses a whole number as long (never overflows) and checks it is within [min, max]. */
  private static long number(String field, String text, long min, long max, String bound) {
    if (!text.matches("^-?\\d{1,19}$")) {
      throw new InvalidFieldException(
          field + " must be a whole number between " + min + " and " + max + " (" + bound + ")",
          field);
    }
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = Long.MAX_VALUE; // 19 digits past Long.MAX_VALUE: out of range all the same
    }
    if (value < min || value > max) {
      throw new InvalidFieldException(
          field
              + " is "
              + excerpt(text)
              + "; it must be between "
              + min
              + " and "
              + max
              + " ("
              + bound
              + ")",
          field);
    }
    return value;
  }

  /** A value short enough to echo in a message. */
  static String excerpt(String value) {
    if (value == null) {
      return "";
    }
    String printable =
        value
            .codePoints()
            .limit(64)
            .collect(
                StringBuilder::new,
                (b, c) -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c),
                StringBuilder::append)
            .toString();
    return value.length() > 64 ? printable + "... (" + value.length() + " characters)" : printable;
  }
}
