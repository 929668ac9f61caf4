package io.heroncp.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the service needs, as production runs it: a ZooKeeper server and the Aurora simulator
 * ({@code io.heroncp.simulator.StandaloneSimulator}, from the built jar), each a process of its own
 * on 127.0.0.1 with free ports, so the service's JVM holds only the service. The simulator
 * announces itself in that ZooKeeper; the service finds cluster {@code local}'s scheduler there
 * ({@link #serviceArguments}).
 */
public final class StandaloneCluster implements AutoCloseable {

  private final int zooKeeperPort;
  private final int simulatorPort;
  private final ChildProcess zooKeeper;
  private final ChildProcess simulator;

  /**
   * @param jar the built service jar (the simulator's code)
   * @param work where the ZooKeeper data and both logs go
   * @param tickTimeMillis ZooKeeper's tick (sessions may last 2 to 20 ticks)
   * @param zooKeeperHeap the ZooKeeper server's {@code -Xmx} (it keeps all data in memory)
   * @param simulatorHeap the simulator's {@code -Xmx} (it keeps every simulated task in memory)
   * @param simulatorSettings further {@code --heroncp.simulator.*} arguments (delays, ...)
   */
  public StandaloneCluster(
      Path jar,
      Path work,
      int tickTimeMillis,
      String zooKeeperHeap,
      String simulatorHeap,
      List<String> simulatorSettings) {
    zooKeeperPort = FreePorts.freePort();
    simulatorPort = FreePorts.freePort();
    zooKeeper =
        ZooKeeperServerMain.process(
            zooKeeperPort,
            work.resolve("zookeeper"),
            tickTimeMillis,
            zooKeeperHeap,
            work.resolve("zookeeper.log"));
    List<String> simulatorCommand =
        new ArrayList<>(
            List.of(
                "-Xmx" + simulatorHeap,
                "-Dloader.main=io.heroncp.simulator.StandaloneSimulator",
                "-cp",
                jar.toString(),
                "org.springframework.boot.loader.launch.PropertiesLauncher",
                "--heroncp.zookeeper.connect-string=" + connectString(),
                "--heroncp.simulator.port=" + simulatorPort));
    simulatorCommand.addAll(simulatorSettings);
    simulator =
        new ChildProcess(
            "simulator",
            ChildProcess.java(simulatorCommand.toArray(String[]::new)),
            work.resolve("simulator.log"));
  }

  /** Starts ZooKeeper and waits for it; then starts the simulator (see {@link #awaitSimulator}). */
  public void start() throws Exception {
    zooKeeper.start();
    awaitZooKeeper();
    simulator.start();
  }

  public void awaitZooKeeper() {
    zooKeeper.awaitListening(zooKeeperPort, Duration.ofSeconds(60));
  }

  /** Waits until the simulator serves Aurora's API (it announces itself in ZooKeeper then). */
  public void awaitSimulator() {
    simulator.awaitListening(simulatorPort, Duration.ofSeconds(120));
  }

  /** The ZooKeeper server's process: kill, pause, start it again on the same port and data. */
  public ChildProcess zooKeeper() {
    return zooKeeper;
  }

  public ChildProcess simulator() {
    return simulator;
  }

  public String connectString() {
    return "127.0.0.1:" + zooKeeperPort;
  }

  public int zooKeeperPort() {
    return zooKeeperPort;
  }

  public int simulatorPort() {
    return simulatorPort;
  }

  /**
   * The service's arguments for this cluster instead of its embedded default: no embedded
   * ZooKeeper, no simulator inside it, cluster {@code local}'s scheduler found through ZooKeeper,
   * the Heron core package served by the simulator.
   */
  public List<String> serviceArguments() {
    return List.of(
        "--heroncp.zookeeper.embedded.enabled=false",
        "--heroncp.zookeeper.connect-string=" + connectString(),
        "--heroncp.simulator.enabled=false",
        "--heroncp.clusters.local.scheduler.zookeeper=" + connectString(),
        "--heroncp.clusters.local.core-package-uri=http://127.0.0.1:"
            + simulatorPort
            + "/packages/heron-core.tar.gz");
  }

  @Override
  public void close() {
    simulator.close();
    zooKeeper.close();
  }
}
