package io.heroncp.security;

import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.HeronControlPlaneApplication;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default (application.yaml unchanged, free ports) in the open mode: it binds
 * 127.0.0.1 unless {@code server.address} says otherwise, and says once at startup that the API is
 * open and where it listens.
 */
@ExtendWith(OutputCaptureExtension.class)
class OpenModeLoopbackTest {

  private static final Pattern OPEN_WARNING = Pattern.compile("WARN .*Security is off");

  private ConfigurableApplicationContext context;

  @AfterEach
  void stop() {
    if (context != null) {
      context.close();
    }
  }

  @Test
  void openModeBindsLoopbackAndWarnsOnce(CapturedOutput output) throws Exception {
    context = startDefault();
    String http = context.getEnvironment().getProperty("local.server.port");

    assertThat(connectorAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    assertThat(get("http://127.0.0.1:" + http + "/api/v1/version").statusCode()).isEqualTo(200);
    assertThat(OPEN_WARNING.matcher(output.getOut()).results().count())
        .as(output.getOut())
        .isEqualTo(1);
    assertThat(output.getOut()).contains("listens on loopback only (127.0.0.1)");
  }

  @Test
  void explicitServerAddressIsBoundAndTheWarningSaysTheOpenApiIsReachableFromTheNetwork(
      CapturedOutput output) throws Exception {
    context = startDefault("--server.address=0.0.0.0");
    String http = context.getEnvironment().getProperty("local.server.port");

    assertThat(connectorAddress()).isEqualTo(InetAddress.getByName("0.0.0.0"));
    assertThat(get("http://127.0.0.1:" + http + "/api/v1/version").statusCode()).isEqualTo(200);
    assertThat(OPEN_WARNING.matcher(output.getOut()).results().count())
        .as(output.getOut())
        .isEqualTo(1);
    assertThat(output.getOut())
        .contains("server.address=0.0.0.0: the open API is reachable from the network");
  }

  private InetAddress connectorAddress() {
    TomcatWebServer server =
        (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
    return ((AbstractProtocol<?>) server.getTomcat().getConnector().getProtocolHandler())
        .getAddress();
  }

  private static HttpResponse<String> get(String uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static ConfigurableApplicationContext startDefault(String... extra) throws Exception {
    Path data = Files.createTempDirectory("heroncp-data");
    // Known up front: the connect strings derive from the embedded ZooKeeper's port.
    int zk = freePort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--heroncp.zookeeper.connect-string=127.0.0.1:" + zk,
                "--heroncp.zookeeper.embedded.port=" + zk,
                "--heroncp.zookeeper.embedded.data-directory=" + data.resolve("zookeeper"),
                "--heroncp.clusters.local.scheduler.zookeeper=127.0.0.1:" + zk,
                "--heroncp.simulator.port=0",
                "--heroncp.packages.directory=" + data.resolve("packages")));
    args.addAll(List.of(extra));
    return SpringApplication.run(HeronControlPlaneApplication.class, args.toArray(String[]::new));
  }
}
