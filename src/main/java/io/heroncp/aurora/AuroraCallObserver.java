package io.heroncp.aurora;

/**
 * Told about every Thrift exchange {@link AuroraThriftClient} makes (one HTTP call, redirects
 * included), e.g. to time it. Called on the calling thread after the exchange; must be fast,
 * thread-safe and must not throw.
 */
@FunctionalInterface
public interface AuroraCallObserver {

  /** Observes nothing. */
  AuroraCallObserver NONE = (cluster, method, responseCode, durationNanos) -> {};

  /**
   * @param cluster the cluster whose scheduler was called
   * @param method the Thrift method, e.g. {@code createJob}
   * @param responseCode Aurora's {@code ResponseCode} name when a reply was decoded (e.g. {@code
   *     OK}, {@code INVALID_REQUEST}, {@code ERROR_TRANSIENT}); otherwise {@code UNAVAILABLE} (no
   *     connection, no leader, no scheduler found), {@code TIMEOUT}, or {@code FAILED} (an HTTP
   *     error or an undecodable reply)
   * @param durationNanos how long the exchange took
   */
  void observe(String cluster, String method, String responseCode, long durationNanos);
}
