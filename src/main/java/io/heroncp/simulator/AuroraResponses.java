package io.heroncp.simulator;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ResponseDetail;
import io.heroncp.aurora.thrift.Result;
import io.heroncp.aurora.thrift.ServerInfo;
import java.util.ArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aurora's {@code Response}s as the simulated scheduler answers: code, details and this cluster's
 * server info.
 */
final class AuroraResponses {

  private static final Logger log = LoggerFactory.getLogger(AuroraResponses.class);

  private final String clusterName;

  AuroraResponses(String clusterName) {
    this.clusterName = clusterName;
  }

  /** Runs a call as Aurora's interceptors do: an uncaught RuntimeException becomes ERROR. */
  Response call(Supplier<Response> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      log.warn("Simulated Aurora call failed: {}", e.toString());
      return of(ResponseCode.ERROR, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  Response ok(Result result) {
    Response response = of(ResponseCode.OK, null);
    if (result != null) {
      response.setResult(result);
    }
    return response;
  }

  /** A response with the code and, when not null, one detail message. */
  Response of(ResponseCode code, String message) {
    Response response =
        new Response()
            .setResponseCode(code)
            .setServerInfo(new ServerInfo(clusterName, ""))
            .setDetails(new ArrayList<>());
    if (message != null) {
      response.addToDetails(new ResponseDetail(message));
    }
    return response;
  }

  /** Aurora's argument check: an invalid job key fails the call (ERROR, through {@link #call}). */
  static JobKey assertValid(JobKey job) {
    if (!ConfigurationValidator.isValidJobKey(job)) {
      throw new IllegalArgumentException("Invalid job key: " + job);
    }
    return job;
  }
}
