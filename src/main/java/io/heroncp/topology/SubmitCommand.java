package io.heroncp.topology;

import java.util.Map;

/**
 * A submit as heron-apiserver receives it (multipart form fields and files), before validation.
 * Fields may be null when the client left them out; {@link TopologyLifecycle} validates them.
 *
 * @param overrides every other form field, {@code key=value}: Heron config overrides
 * @param dryRunFormat {@code json} (default) or {@code table}
 */
public record SubmitCommand(
    String name,
    String cluster,
    String role,
    String environment,
    String user,
    Upload definition,
    Upload topology,
    boolean dryRun,
    String dryRunFormat,
    Map<String, String> overrides) {

  public SubmitCommand {
    overrides = Map.copyOf(overrides);
  }
}
