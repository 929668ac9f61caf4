package io.heroncp.api;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The HTTP server's settings that Spring Boot's {@code server.tomcat.*} does not offer ({@code
 * heroncp.http.*}).
 *
 * @param socketWriteBuffer how much of an answer Tomcat hands to the socket per system call (its
 *     {@code socket.appWriteBufSize}, 8 KB by default): a list page of 100 topologies (about 150
 *     KB) then goes out in three writes instead of twenty. Every open connection holds one such
 *     buffer.
 */
@Validated
@ConfigurationProperties("heroncp.http")
public record HttpProperties(@NotNull @DefaultValue("64KB") DataSize socketWriteBuffer) {

  public HttpProperties {
    long bytes = socketWriteBuffer == null ? 0 : socketWriteBuffer.toBytes();
    if (socketWriteBuffer != null && (bytes < 1024 || bytes > 16 * 1024 * 1024)) {
      throw new IllegalArgumentException(
          "heroncp.http.socket-write-buffer must be between 1KB and 16MB, not "
              + socketWriteBuffer);
    }
  }
}
