package io.heroncp.zookeeper;

import java.nio.file.Path;
import java.time.Duration;

/** ZooKeeper settings of the store tests: service root {@code /cp}, no embedded server, no TLS. */
final class TestZooKeeperProperties {

  private TestZooKeeperProperties() {}

  /** Session 5 s, connection and operation timeouts 2 s. */
  static ZooKeeperProperties of(String connectString) {
    return of(connectString, Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  static ZooKeeperProperties of(
      String connectString,
      Duration sessionTimeout,
      Duration connectionTimeout,
      Duration operationTimeout) {
    return new ZooKeeperProperties(
        connectString,
        "/cp",
        sessionTimeout,
        connectionTimeout,
        operationTimeout,
        null,
        new ZooKeeperProperties.Embedded(false, 0, Path.of("unused")),
        ZooKeeperProperties.Tls.OFF);
  }
}
