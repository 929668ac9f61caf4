package io.heroncp.zookeeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ZooKeeper server running inside the service's JVM: the local default needs nothing else.
 * It listens on 127.0.0.1 only and keeps its data under the configured directory, so topologies
 * survive a restart.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
  private static final String GENERATED_CONFIGURATION = "zookeeper.configuration";

  private final ZooKeeperServerEmbedded server;
  private final String connectString;
  private final Path dataDirectory;

  private EmbeddedZooKeeper(
      ZooKeeperServerEmbedded server, String connectString, Path dataDirectory) {
    this.server = server;
    this.connectString = connectString;
    this.dataDirectory = dataDirectory;
  }

  /** Starts the server and waits until it accepts connections. */
  public static EmbeddedZooKeeper start(int port, Path dataDirectory) throws Exception {
    Path base = dataDirectory.toAbsolutePath().normalize();
    Files.createDirectories(base);
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", "127.0.0.1");
    config.setProperty("tickTime", "2000");
    config.setProperty("initLimit", "10");
    config.setProperty("syncLimit", "5");
    config.setProperty("dataDir", base.resolve("data").toString());
    // The AdminServer would start Jetty on 8080, the service's own port.
    config.setProperty("admin.enableServer", "false");
    config.setProperty("4lw.commands.whitelist", "ruok,mntr,srvr,stat");
    Set<Path> before = generatedConfigurations();
    ZooKeeperServerEmbedded server =
        ZooKeeperServerEmbedded.builder()
            .baseDir(base)
            .configuration(config)
            .exitHandler(ExitHandler.LOG_ONLY)
            .build();
    deleteGeneratedConfiguration(before, config.getProperty("dataDir"));
    try {
      server.start(30_000);
    } catch (Exception e) {
      // Its threads would keep the JVM alive after the failed startup.
      server.close();
      throw new IllegalStateException(
          "The embedded ZooKeeper could not start on 127.0.0.1:"
              + port
              + " (is the port in use? set heroncp.zookeeper.embedded.port, or disable it and set "
              + "heroncp.zookeeper.connect-string)",
          e);
    }
    String connectString = "127.0.0.1:" + port;
    // The startup summary names it (io.heroncp.StartupSummary).
    log.debug("Embedded ZooKeeper listening on {} with data in {}", connectString, base);
    return new EmbeddedZooKeeper(server, connectString, base);
  }

  /**
   * ZooKeeper's embedded server writes its configuration to a new {@code
   * zookeeper.configuration*.properties} in {@code java.io.tmpdir} on every start and never deletes
   * it; it has been read once {@code build()} returns.
   */
  private static Set<Path> generatedConfigurations() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> files = Files.list(tmp)) {
      return files
          .filter(file -> file.getFileName().toString().startsWith(GENERATED_CONFIGURATION))
          .collect(Collectors.toSet());
    } catch (IOException e) {
      return Set.of();
    }
  }

  /** Deletes the file this start wrote: new since {@code before}, naming our data directory. */
  private static void deleteGeneratedConfiguration(Set<Path> before, String dataDir) {
    for (Path file : generatedConfigurations()) {
      if (before.contains(file)) {
        continue;
      }
      Properties written = new Properties();
      try (var in = Files.newInputStream(file)) {
        written.load(in);
        if (dataDir.equals(written.getProperty("dataDir"))) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        log.debug(
            "Could not remove ZooKeeper's generated configuration {}: {}", file, e.toString());
      }
    }
  }

  public String connectString() {
    return connectString;
  }

  /** Where it keeps its snapshots and logs (absolute). */
  public Path dataDirectory() {
    return dataDirectory;
  }

  @Override
  public void close() {
    server.close();
    log.info("Embedded ZooKeeper on {} stopped", connectString);
  }
}
