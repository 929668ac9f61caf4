package io.heroncp.support;

import io.heroncp.heron.HeronDefinitions;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Builds a multipart/form-data body the way curl -F does. */
public final class Multipart {

  private final String boundary = "----heroncp" + UUID.randomUUID().toString().replace("-", "");
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  /**
   * A submit as {@code curl -F} sends it: name, cluster, role, the environment when not null, the
   * real {@code .defn} of {@code example} (a main class of {@link HeronDefinitions}) renamed to
   * {@code name}, and its jar.
   */
  public static Multipart submit(
      String cluster, String role, String environment, String name, Class<?> example) {
    Multipart form =
        new Multipart().field("name", name).field("cluster", cluster).field("role", role);
    if (environment != null) {
      form.field("environment", environment);
    }
    return form.file("definition", name + ".defn", HeronDefinitions.definition(example, name))
        .file("topology", "topology.jar", HeronDefinitions.topologyJar(example));
  }

  public Multipart field(String name, String value) {
    write(
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"\r\n\r\n"
            + value
            + "\r\n");
    return this;
  }

  public Multipart file(String name, String fileName, byte[] content) {
    write(
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"; filename=\""
            + fileName
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.writeBytes(content);
    write("\r\n");
    return this;
  }

  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  public HttpRequest.BodyPublisher publisher() {
    ByteArrayOutputStream complete = new ByteArrayOutputStream();
    complete.writeBytes(body.toByteArray());
    complete.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.BodyPublishers.ofByteArray(complete.toByteArray());
  }

  private void write(String s) {
    body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
