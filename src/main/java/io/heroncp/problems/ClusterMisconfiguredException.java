package io.heroncp.problems;

/**
 * The scheduler refused a request for a reason of the cluster's configuration, not the request's
 * (an unknown tier, an executor or container type it does not allow) (502): the message names the
 * setting an operator must change.
 */
public class ClusterMisconfiguredException extends ControlPlaneException {

  public ClusterMisconfiguredException(String message) {
    this(message, null);
  }

  public ClusterMisconfiguredException(String message, Throwable cause) {
    super(ProblemType.CLUSTER_MISCONFIGURED, message, null, cause);
  }
}
