package io.heroncp.support;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/**
 * One real ZooKeeper server (curator-test runs the real server code) for every test in the JVM, so
 * Spring can cache one application context across test classes. Tests keep apart by topology names.
 */
public final class SharedZooKeeper {

  private static TestingServer server;
  private static CuratorFramework client;
  private static Path packages;

  private SharedZooKeeper() {}

  public static synchronized TestingServer server() {
    if (server == null) {
      try {
        server = new TestingServer(true);
        packages = Files.createTempDirectory("heroncp-packages");
      } catch (Exception e) {
        throw new IllegalStateException("could not start the test ZooKeeper", e);
      }
    }
    return server;
  }

  public static String connectString() {
    return server().getConnectString();
  }

  public static synchronized Path packageDirectory() {
    server();
    return packages;
  }

  /** A client of the tests' own, to look at what the service wrote. */
  public static synchronized CuratorFramework client() {
    if (client == null) {
      client = CuratorFrameworkFactory.newClient(connectString(), new RetryOneTime(100));
      client.start();
    }
    return client;
  }
}
