package io.heroncp.heron;

import java.time.Instant;

/**
 * Heron's execution state ({@code executionstate/<name>}, protobuf {@code
 * heron.proto.system.ExecutionState}), written once at submission.
 *
 * @param submissionTimeSeconds seconds since the epoch, as Heron's {@code LaunchRunner} writes it
 *     ({@code currentTimeMillis() / 1000}); 0 if the node had none
 * @param release the Heron release that launched the topology, or {@code null} if the node had none
 */
public record ExecutionState(
    String topologyName,
    String topologyId,
    long submissionTimeSeconds,
    String submissionUser,
    String cluster,
    String environ,
    String role,
    Release release) {

  /**
   * Heron's {@code HeronReleaseState}: {@code release_username} is the build user ({@code
   * heron.build.user}), {@code release_tag} is always empty in Heron, {@code release_version} the
   * build version ({@code heron.build.version}).
   */
  public record Release(String username, String tag, String version) {}

  /** The state Heron's {@code LaunchRunner.createExecutionState} writes for a new submission. */
  public static ExecutionState forSubmission(
      TopologyDefinition definition,
      String cluster,
      String role,
      String environ,
      String submissionUser,
      Instant submittedAt,
      Release release) {
    return new ExecutionState(
        definition.name(),
        definition.id(),
        submittedAt.getEpochSecond(),
        submissionUser,
        cluster,
        environ,
        role,
        release);
  }
}
