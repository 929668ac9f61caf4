package io.heroncp.aurora;

import io.heroncp.cluster.ClusterProperties;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link AuroraThriftClient} talks to a scheduler.
 *
 * @param cluster the cluster name, for messages (e.g. which properties to fix)
 * @param protocol Thrift protocol on the wire
 * @param connectTimeout TCP connect timeout
 * @param readTimeout how long one HTTP exchange may take
 * @param username HTTP basic user, or null for none
 * @param password HTTP basic password, or null; never logged nor printed
 * @param maxRedirects how many 307 redirects (standby to leader) one call follows
 * @param transientAttempts how many times a call answered ERROR_TRANSIENT is tried in all
 * @param transientBackoff the first wait before retrying ERROR_TRANSIENT; doubles per retry
 */
public record AuroraClientSettings(
    String cluster,
    ClusterProperties.Scheduler.Protocol protocol,
    Duration connectTimeout,
    Duration readTimeout,
    String username,
    String password,
    int maxRedirects,
    int transientAttempts,
    Duration transientBackoff) {

  public AuroraClientSettings {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(transientBackoff, "transientBackoff");
    if (transientAttempts < 1 || maxRedirects < 0) {
      throw new IllegalArgumentException("transientAttempts must be >= 1 and maxRedirects >= 0");
    }
  }

  /** The cluster's configured settings, with 3 redirects and 3 attempts starting at 500 ms. */
  public static AuroraClientSettings of(String cluster, ClusterProperties.Scheduler scheduler) {
    return new AuroraClientSettings(
        cluster,
        scheduler.protocol(),
        scheduler.connectTimeout(),
        scheduler.readTimeout(),
        scheduler.username(),
        scheduler.password(),
        3,
        3,
        Duration.ofMillis(500));
  }

  public AuroraClientSettings withRetries(int transientAttempts, Duration transientBackoff) {
    return new AuroraClientSettings(
        cluster,
        protocol,
        connectTimeout,
        readTimeout,
        username,
        password,
        maxRedirects,
        transientAttempts,
        transientBackoff);
  }

  public AuroraClientSettings withCredentials(String username, String password) {
    return new AuroraClientSettings(
        cluster,
        protocol,
        connectTimeout,
        readTimeout,
        username,
        password,
        maxRedirects,
        transientAttempts,
        transientBackoff);
  }

  boolean hasCredentials() {
    return username != null && !username.isEmpty() && password != null;
  }

  @Override
  public String toString() {
    return "AuroraClientSettings[cluster="
        + cluster
        + ", protocol="
        + protocol
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "****")
        + ", maxRedirects="
        + maxRedirects
        + ", transientAttempts="
        + transientAttempts
        + ", transientBackoff="
        + transientBackoff
        + "]";
  }
}
