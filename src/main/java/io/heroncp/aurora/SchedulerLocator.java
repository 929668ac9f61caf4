package io.heroncp.aurora;

import java.net.URI;

/**
 * Finds the base URL of a cluster's leading Aurora scheduler; the Thrift endpoint is {@code
 * <base>/api}. Implementations are thread-safe.
 */
public interface SchedulerLocator extends AutoCloseable {

  /**
   * The scheduler's base URL now, e.g. {@code http://10.0.0.5:8081}.
   *
   * @throws io.heroncp.problems.DependencyUnavailableException no scheduler is announced or
   *     discovery fails
   */
  URI locate();

  /**
   * How the scheduler is found, for probes and messages, e.g. {@code zookeeper
   * zk1:2181/aurora/scheduler}.
   */
  String description();

  /** Releases what this locator owns (its own ZooKeeper client); a no-op otherwise. */
  @Override
  default void close() {}
}
