package io.heroncp.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The outcome of a cluster's preflight: every check, and {@code ok} when all passed.
 *
 * @param cluster the cluster checked
 * @param ok whether every check passed
 * @param checks the checks, in a fixed order
 */
public record PreflightReport(String cluster, boolean ok, List<Check> checks) {

  public PreflightReport {
    checks = List.copyOf(checks);
  }

  /** A report whose {@code ok} is the conjunction of its checks. */
  public static PreflightReport of(String cluster, List<Check> checks) {
    return new PreflightReport(cluster, checks.stream().allMatch(Check::ok), checks);
  }

  /**
   * One check.
   *
   * @param name what was checked: {@code core-package}, {@code package-endpoint}, {@code
   *     scheduler}, {@code heron-root}
   * @param ok whether it passed
   * @param durationMs how long it took
   * @param detail what was found, or why it failed and what to fix
   */
  public record Check(
      String name, boolean ok, @JsonProperty("duration_ms") long durationMs, String detail) {}
}
