package io.heroncp.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ContainerHealthCheckTest {

  @Test
  void defaultUrlIsTheLivenessProbeOnTheServerPort() {
    assertThat(ContainerHealthCheck.defaultUrl(null))
        .isEqualTo("http://127.0.0.1:8080/actuator/health/liveness");
    assertThat(ContainerHealthCheck.defaultUrl("9090"))
        .isEqualTo("http://127.0.0.1:9090/actuator/health/liveness");
  }

  @Test
  void statusIsTheHttpStatusOrMinusOneWhenNothingAnswers() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/up",
        exchange -> {
          byte[] body = "{\"status\":\"UP\"}".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/down",
        exchange -> {
          exchange.sendResponseHeaders(503, -1);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      assertThat(ContainerHealthCheck.status(base + "/up")).isEqualTo(200);
      assertThat(ContainerHealthCheck.status(base + "/down")).isEqualTo(503);
      assertThat(ContainerHealthCheck.status("http://127.0.0.1:9/actuator/health/liveness"))
          .isEqualTo(-1);
    } finally {
      server.stop(0);
    }
  }
}
