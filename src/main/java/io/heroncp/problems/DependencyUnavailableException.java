package io.heroncp.problems;

/**
 * ZooKeeper or an Aurora scheduler cannot be reached now; retry later (503). Unless {@link
 * #mayHaveTakenEffect()}, the call was not taken up (no connection, no leader, a transient
 * refusal).
 */
public class DependencyUnavailableException extends ControlPlaneException {

  private final boolean mayHaveTakenEffect;

  public DependencyUnavailableException(String message) {
    this(message, null, null);
  }

  public DependencyUnavailableException(String message, String field) {
    this(message, field, null);
  }

  public DependencyUnavailableException(String message, String field, Throwable cause) {
    this(message, field, cause, false);
  }

  private DependencyUnavailableException(
      String message, String field, Throwable cause, boolean mayHaveTakenEffect) {
    super(ProblemType.DEPENDENCY_UNAVAILABLE, message, field, cause);
    this.mayHaveTakenEffect = mayHaveTakenEffect;
  }

  /** The exchange broke after the request was sent: the dependency may have acted on it. */
  public static DependencyUnavailableException afterSending(String message, Throwable cause) {
    return new DependencyUnavailableException(message, null, cause, true);
  }

  /**
   * Whether the request may have reached the dependency and taken effect although no answer came
   * back.
   */
  public boolean mayHaveTakenEffect() {
    return mayHaveTakenEffect;
  }
}
