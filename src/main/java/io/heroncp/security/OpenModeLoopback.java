package io.heroncp.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the open mode ({@code heroncp.security.enabled=false}) on loopback: without a {@code
 * server.address} the service binds 127.0.0.1, and one WARN line says the API is open and where it
 * listens. An explicit {@code server.address} always wins; with security on nothing changes. Runs
 * after the config files are loaded.
 */
public class OpenModeLoopback implements EnvironmentPostProcessor, Ordered {

  static final String PROPERTY_SOURCE = "heroncpOpenModeLoopback";
  private static final String LOOPBACK = "127.0.0.1";

  private final Log log;

  public OpenModeLoopback(DeferredLogFactory logs) {
    this.log = logs.getLog(OpenModeLoopback.class);
  }

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.getProperty("heroncp.security.enabled", Boolean.class, false)) {
      return;
    }
    String address = environment.getProperty("server.address");
    if (address == null || address.isBlank()) {
      // Last: below every config file, environment variable and command-line argument.
      environment
          .getPropertySources()
          .addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of("server.address", LOOPBACK)));
      log.warn(
          "Security is off (heroncp.security.enabled=false): the API is open to every caller and listens on "
              + "loopback only ("
              + LOOPBACK
              + "); set heroncp.security.enabled=true before serving beyond this host");
    } else if (isLoopback(address)) {
      log.warn(
          "Security is off (heroncp.security.enabled=false): the API is open to every caller and listens on "
              + "loopback only ("
              + address
              + ")");
    } else {
      log.warn(
          "Security is off (heroncp.security.enabled=false) and server.address="
              + address
              + ": the open API is reachable from the network; set heroncp.security.enabled=true");
    }
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
