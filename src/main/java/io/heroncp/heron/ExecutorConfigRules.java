package io.heroncp.heron;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for config values that end up on the {@code heron-executor} command line Thermos runs
 * in a shell (see Heron's {@code heron.aurora} template): each such key has a type, enum or
 * character set, so an override is data and can never become shell syntax. Keys Heron only reads
 * from {@code override.yaml} (a quoted YAML file) need no rule beyond having no control characters.
 * Pure; thread-safe.
 */
public final class ExecutorConfigRules {

  /** A path or class path: no blanks, quotes or shell metacharacters; {@code ${VAR}} allowed. */
  private static final Pattern PATH =
      Pattern.compile("^[A-Za-z0-9_./*:@%+,=\\-]*(\\$\\{[A-Z_]+\\}[A-Za-z0-9_./*:@%+,=\\-]*)*$");

  private static final Set<String> MODES = Set.of("disabled", "cluster");

  private static final Map<String, Rule> RULES =
      Map.of(
          "heron.topology.healthmgr.mode",
          enumRule(MODES),
          "heron.topology.metricscachemgr.mode",
          enumRule(MODES),
          "heron.config.verbose_gc",
          enumRule(Set.of("true", "false")),
          HeronConfigKeys.RELIABILITY_MODE,
          enumRule(Set.of("ATMOST_ONCE", "ATLEAST_ONCE", "EFFECTIVELY_ONCE")),
          "heron.directory.sandbox.java.home",
          pathRule(),
          "heron.statefulstorage.classpath",
          pathRule(),
          "topology.additional.classpath",
          pathRule(),
          "topology.stateful.ckptmgr.ram",
          longRule(0, Long.MAX_VALUE / 2));

  private ExecutorConfigRules() {}

  private interface Rule {
    /** Why {@code value} breaks the rule, or empty when it keeps it. */
    Optional<String> check(String value);
  }

  /**
   * Why the override {@code key=value} may not reach the executor, or empty when it may. Control
   * characters are refused in every key and value.
   */
  public static Optional<String> violation(String key, String value) {
    if (hasControlCharacter(key) || hasControlCharacter(value)) {
      return Optional.of("must not contain control characters (line breaks, NUL, ...)");
    }
    Rule rule = RULES.get(key);
    return rule == null ? Optional.empty() : rule.check(value.trim());
  }

  /** Whether {@code value} can be placed on a shell command line as it is (no quoting needed). */
  public static boolean shellInert(String value) {
    return PATH.matcher(value).matches();
  }

  private static boolean hasControlCharacter(String text) {
    return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static Rule enumRule(Set<String> allowed) {
    return value ->
        allowed.contains(value)
            ? Optional.empty()
            : Optional.of("must be one of " + allowed.stream().sorted().toList());
  }

  private static Rule pathRule() {
    return value ->
        PATH.matcher(value).matches()
            ? Optional.empty()
            : Optional.of(
                "must be a path or class path: letters, digits and _ . / * : @ % + , = - only"
                    + " (and ${VARIABLE}), no blanks, quotes or shell characters");
  }

  private static Rule longRule(long min, long max) {
    return value -> {
      try {
        long parsed = Long.parseLong(value);
        if (parsed >= min && parsed <= max) {
          return Optional.empty();
        }
      } catch (NumberFormatException e) {
        // falls through to the message
      }
      return Optional.of("must be a whole number between " + min + " and " + max);
    };
  }
}
