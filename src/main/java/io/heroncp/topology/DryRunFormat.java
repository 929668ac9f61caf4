package io.heroncp.topology;

import io.heroncp.problems.InvalidFieldException;
import java.util.Locale;

/** The one rule for {@code dry_run_format}, shared by submit and update dry runs. */
final class DryRunFormat {

  /** What a submit dry run renders when no format is asked for: heron-apiserver's text table. */
  static final String SUBMIT_DEFAULT = "table";

  /** What an update dry run renders when no format is asked for. */
  static final String UPDATE_DEFAULT = "json";

  private DryRunFormat() {}

  /**
   * {@code json} or the text table, case-insensitive: {@code table}, and Heron's CLI's {@code
   * colored_table} (sent when stdout is a terminal) and {@code raw}, which render the same table
   * (no ANSI colours). Anything else is a 422 naming the field.
   *
   * @return {@code json} or {@code table}
   */
  static String of(String requested, String byDefault) {
    String format =
        requested == null || requested.isBlank()
            ? byDefault
            : requested.trim().toLowerCase(Locale.ROOT);
    return switch (format) {
      case "json" -> "json";
      case "table", "colored_table", "raw" -> "table";
      default ->
          throw new InvalidFieldException(
              "dry_run_format must be json, table, colored_table or raw, got '" + requested + "'",
              "dry_run_format");
    };
  }
}
