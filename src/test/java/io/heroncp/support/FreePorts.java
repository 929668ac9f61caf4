package io.heroncp.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port that was free a moment ago, for parts whose port must be known up front.
 *
 * <p>The port is chosen below the kernel's ephemeral range: a port the kernel hands out for {@code
 * bind(0)} is also what it hands to outgoing connections, so another test's ZooKeeper or HTTP
 * client could take it between this call and the part binding it. Below that range only a listener
 * can take it, and the random choice makes two tests picking the same one unlikely.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 100;

  private FreePorts() {}

  public static int freePort() {
    int below = ephemeralRangeStart();
    for (int attempt = 0; attempt < ATTEMPTS && below > LOWEST; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (free(port)) {
        return port;
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback interface", e);
    }
  }

  /** Free on every interface (a wildcard bind conflicts with any listener on the port). */
  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 0, null)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralRangeStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
