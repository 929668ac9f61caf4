package io.heroncp.support;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper server (curator-test's TestingServer: ZooKeeper's own server code) as a process
 * of its own, so a suite can kill it, pause it (SIGSTOP) and start it again on the same port and
 * data. Arguments: port, data directory, tick time in ms (sessions may last 2 to 20 ticks).
 */
public final class ZooKeeperServerMain {

  private ZooKeeperServerMain() {}

  /**
   * This main in a JVM of its own (the test classpath), not started yet. ZooKeeper holds its whole
   * data tree in memory: {@code maxHeap} (e.g. {@code 256m}) grows with what is stored.
   */
  public static ChildProcess process(
      int port, Path data, int tickTimeMillis, String maxHeap, Path log) {
    return new ChildProcess(
        "zookeeper",
        ChildProcess.java(
            "-Xmx" + maxHeap,
            "-cp",
            System.getProperty("java.class.path"),
            ZooKeeperServerMain.class.getName(),
            Integer.toString(port),
            data.toString(),
            Integer.toString(tickTimeMillis)),
        log);
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    File data = new File(args[1]);
    int tickTime = Integer.parseInt(args[2]);
    TestingServer server =
        new TestingServer(new InstanceSpec(data, port, -1, -1, false, 1, tickTime, 200), true);
    System.out.println("ZooKeeper serving " + server.getConnectString() + " from " + data);
    new CountDownLatch(1).await(); // until killed
  }
}
