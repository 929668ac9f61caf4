package io.heroncp.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container image's {@code HEALTHCHECK}: GETs a URL (default the local liveness probe on {@code
 * SERVER_PORT}, else 8080) and exits 0 on HTTP 200, 1 otherwise. Uses only {@code java.base},
 * because a minimal JRE image has neither curl nor wget: {@code java -cp /app/app.jar
 * io.heroncp.health.ContainerHealthCheck [url]}.
 */
public final class ContainerHealthCheck {

  /** The liveness probe on the port Spring Boot listens on ({@code SERVER_PORT}, default 8080). */
  static String defaultUrl(String serverPort) {
    String port = serverPort == null || serverPort.isBlank() ? "8080" : serverPort.strip();
    return "http://127.0.0.1:" + port + "/actuator/health/liveness";
  }

  private static final int TIMEOUT_MILLIS = 3_000;

  private ContainerHealthCheck() {}

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : defaultUrl(System.getenv("SERVER_PORT"));
    int status = status(url);
    if (status != 200) {
      System.err.println(
          "health check " + url + ": " + (status < 0 ? "no answer" : "HTTP " + status));
    }
    System.exit(status == 200 ? 0 : 1);
  }

  /** The HTTP status of a GET of {@code url}, or -1 when nothing answered within the timeout. */
  static int status(String url) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
      connection.setConnectTimeout(TIMEOUT_MILLIS);
      connection.setReadTimeout(TIMEOUT_MILLIS);
      int status = connection.getResponseCode();
      try (InputStream body =
          status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        // Drained so the connection closes cleanly; the body is not needed.
        if (body != null) {
          body.transferTo(OutputStreamSink.INSTANCE);
        }
      }
      return status;
    } catch (IOException | IllegalArgumentException e) {
      return -1;
    }
  }

  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {
      // discard
    }

    @Override
    public void write(byte[] b, int off, int len) {
      // discard
    }
  }
}
