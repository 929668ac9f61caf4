package io.heroncp.api;

import io.heroncp.problems.InvalidFieldException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * The rules every form of the topology verbs shares: which field names are accepted (a typo is a
 * 422, never a silent override or a dropped field) and how a boolean is read (Heron's CLI sends
 * Python's {@code True}/{@code False}).
 */
final class FormFields {

  private FormFields() {}

  /**
   * Refuses the first field that is not in {@code known} and, when {@code dottedAllowed}, has no
   * dot (every Heron config key has one), naming it and the closest known field.
   *
   * @throws InvalidFieldException naming the unknown field
   */
  static void requireKnown(Collection<String> fields, Set<String> known, boolean dottedAllowed) {
    for (String field : fields) {
      if (known.contains(field) || (dottedAllowed && field.contains("."))) {
        continue;
      }
      String closest = closest(field, known);
      throw new InvalidFieldException(
          "unknown form field '"
              + field
              + "'"
              + (closest == null ? "" : "; did you mean '" + closest + "'?")
              + " Known fields: "
              + known.stream().sorted().toList()
              + (dottedAllowed
                  ? "; any other field must be a Heron config key, which contains a dot"
                      + " (e.g. topology.stmgrs)"
                  : "")
              + ". Nothing was written; see /openapi.yaml",
          field);
    }
  }

  /**
   * A boolean form field: absent is false, present without a value is true (heron-apiserver's
   * "presence switches it on"), {@code true}/{@code false} in any case ({@code True}/{@code False}
   * from Heron's CLI).
   *
   * @throws InvalidFieldException for any other value
   */
  static boolean flag(String field, String value) {
    if (value == null) {
      return false;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.isEmpty() || v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new InvalidFieldException(
        field + " must be true or false (True/False as Heron's CLI sends), got '" + value + "'",
        field);
  }

  /**
   * A config override's value as Heron's YAML reads it: Python's {@code True}/{@code False} become
   * {@code true}/{@code false}; anything else is kept as sent.
   */
  static String overrideValue(String value) {
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return value.toLowerCase(Locale.ROOT);
    }
    return value;
  }

  /** The known field nearest to {@code field} (a small edit distance), or null. */
  static String closest(String field, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String lower = field.toLowerCase(Locale.ROOT);
    for (String candidate : known.stream().sorted().toList()) {
      int distance = distance(lower, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= Math.max(2, field.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
