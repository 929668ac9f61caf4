package io.heroncp.aurora;

import io.heroncp.problems.InvalidFieldException;
import java.util.regex.Pattern;

/**
 * Aurora's rule for the parts of a job key (and the user): its GOOD_IDENTIFIER_PATTERN, at most 255
 * characters.
 */
final class AuroraIdentifiers {

  static final Pattern IDENTIFIER = Pattern.compile("^[\\w\\-\\.]+$");

  private AuroraIdentifiers() {}

  static void check(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidFieldException(field + " is required", field);
    }
    if (value.length() > 255
        || !IDENTIFIER.matcher(value).matches()
        || value.equals(".")
        || value.equals("..")) {
      throw new InvalidFieldException(
          field
              + " '"
              + value
              + "' is invalid: it must match "
              + IDENTIFIER.pattern()
              + ", be at most 255 characters and not be '.' or '..'",
          field);
    }
  }
}
