package io.heroncp.zookeeper;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the service reaches ZooKeeper ({@code heroncp.zookeeper.*}).
 *
 * @param connectString the ensemble, {@code host:port[,host:port...]}
 * @param root the znode under which the service keeps its own records (Heron's state lives under each
 *     cluster's {@code heron-root})
 * @param sessionTimeout the ZooKeeper session timeout: how long the ensemble keeps this replica's session (its
 *     locks and leadership) after the connection is lost
 * @param connectionTimeout how long to wait for a connection before a call fails
 * @param operationTimeout the longest a single request waits on ZooKeeper before answering 504
 * @param digest optional {@code user:password} for digest ACLs on every node the service creates; never logged
 * @param embedded the embedded ZooKeeper server of the local default
 */
@Validated
@ConfigurationProperties("heroncp.zookeeper")
public record ZooKeeperProperties(
    @NotBlank(message = "set heroncp.zookeeper.connect-string to the ensemble, e.g. zk1:2181,zk2:2181")
        @DefaultValue("127.0.0.1:2181")
        String connectString,
    @NotBlank @Pattern(regexp = "^/[^/].*[^/]$|^/[^/]$", message = "must be an absolute znode path without trailing /")
        @DefaultValue("/heron-controlplane")
        String root,
    @NotNull @DefaultValue("30s") Duration sessionTimeout,
    @NotNull @DefaultValue("15s") Duration connectionTimeout,
    @NotNull @DefaultValue("10s") Duration operationTimeout,
    @Pattern(regexp = "^$|^[^:]+:.+$", message = "must be user:password") String digest,
    @Valid @NotNull @DefaultValue Embedded embedded) {

  /**
   * The embedded ZooKeeper server (real ZooKeeper server code in this JVM) used by the local default.
   *
   * @param enabled start the embedded server before connecting
   * @param port its client port on 127.0.0.1
   * @param dataDirectory where it keeps its snapshots and logs
   */
  public record Embedded(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("2181") int port,
      @NotNull @DefaultValue("./data/zookeeper") Path dataDirectory) {}

  @Override
  public String toString() {
    return "ZooKeeperProperties[connectString=" + connectString + ", root=" + root + ", digest="
        + (digest == null || digest.isEmpty() ? "none" : "****") + "]";
  }
}
