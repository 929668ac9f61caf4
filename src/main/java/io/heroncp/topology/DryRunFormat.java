package io.heroncp.topology;

import io.heroncp.problems.InvalidFieldException;
import java.util.Locale;

/** The one rule for {@code dry_run_format}, shared by submit and update dry runs. */
final class DryRunFormat {

  private DryRunFormat() {}

  /**
   * {@code json} (the default) or {@code table}, case-insensitive; anything else is a 422 naming
   * the field.
   */
  static String of(String requested) {
    String format = requested == null ? "json" : requested.toLowerCase(Locale.ROOT);
    if (!format.equals("json") && !format.equals("table")) {
      throw new InvalidFieldException("dry_run_format must be json or table", "dry_run_format");
    }
    return format;
  }
}
