package io.heroncp.packages;

import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyUnavailableException;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns object-store failures into the service's problems, with messages that name the bucket and
 * what to check. Never includes credentials (the SDK's messages do not either).
 */
final class S3Failures {

  private static final Set<String> CREDENTIAL_CODES =
      Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "AccessDenied",
          "InvalidToken",
          "ExpiredToken",
          "InvalidSecurity");

  private final String bucket;

  S3Failures(String bucket) {
    this.bucket = bucket;
  }

  static boolean isMissingBucket(S3Exception e) {
    return e instanceof NoSuchBucketException || "NoSuchBucket".equals(code(e));
  }

  private static String code(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  ControlPlaneException translate(String action, SdkException failure) {
    if (failure instanceof S3Exception e) {
      String code = code(e);
      if (isMissingBucket(e)) {
        return new DependencyFailedException(
            "Cannot "
                + action
                + ": the package bucket '"
                + bucket
                + "' does not exist; create it or fix heroncp.packages.s3.bucket (and"
                + " heroncp.packages.s3.endpoint).",
            null,
            failure);
      }
      if (e.statusCode() == 403 || CREDENTIAL_CODES.contains(code)) {
        return new DependencyFailedException(
            "Cannot "
                + action
                + ": the object store refused this service's credentials for bucket '"
                + bucket
                + "' ("
                + (code == null ? "403" : code)
                + "). They come from the AWS SDK's default chain: check AWS_ACCESS_KEY_ID and"
                + " AWS_SECRET_ACCESS_KEY, the profile, or the service account's role, and that it"
                + " may read, write and list the bucket.",
            null,
            failure);
      }
      if (e.statusCode() >= 500) {
        return new DependencyUnavailableException(
            "Cannot "
                + action
                + ": the object store answered "
                + e.statusCode()
                + (code == null ? "" : " " + code)
                + " for bucket '"
                + bucket
                + "'; retry later.",
            null,
            failure);
      }
      return new DependencyFailedException(
          "Cannot "
              + action
              + ": the object store answered "
              + e.statusCode()
              + (code == null ? "" : " " + code)
              + " for bucket '"
              + bucket
              + "'.",
          null,
          failure);
    }
    if (failure instanceof SdkClientException) {
      return new DependencyUnavailableException(
          "Cannot "
              + action
              + ": the object store holding bucket '"
              + bucket
              + "' cannot be reached ("
              + failure.getMessage()
              + "); check heroncp.packages.s3.endpoint and the network, then retry.",
          null,
          failure);
    }
    return new DependencyFailedException(
        "Cannot " + action + " in bucket '" + bucket + "': " + failure.getMessage(), null, failure);
  }

  ControlPlaneException digestMismatch(String key, String recorded) {
    return new DependencyFailedException(
        "The object "
            + key
            + " in bucket '"
            + bucket
            + "' records digest "
            + (recorded == null ? "none" : recorded)
            + ", not the one its key names: it was changed outside this service. Delete it and"
            + " submit the topology again.");
  }
}
