package io.heroncp.zookeeper;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
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
 * @param root the znode under which the service keeps its own records (Heron's state lives under
 *     each cluster's {@code heron-root})
 * @param sessionTimeout the ZooKeeper session timeout: how long the ensemble keeps this replica's
 *     session (its locks and leadership) after the connection is lost
 * @param connectionTimeout how long startup waits for the first connection; requests never wait for
 *     one (503 at once while disconnected)
 * @param operationTimeout the longest a single request waits on ZooKeeper, retries included, before
 *     answering 504 (or 503 when the connection dropped meanwhile)
 * @param digest optional {@code user:password} for digest ACLs on every node the service creates;
 *     never logged
 * @param embedded the embedded ZooKeeper server of the local default
 * @param tls TLS to the ensemble's secure client port (off by default)
 */
@Validated
@ConfigurationProperties("heroncp.zookeeper")
public record ZooKeeperProperties(
    @NotBlank(
            message =
                "set heroncp.zookeeper.connect-string to the ensemble, e.g. zk1:2181,zk2:2181")
        @DefaultValue("127.0.0.1:2181")
        String connectString,
    @NotBlank
        @Pattern(
            regexp = "^/[^/].*[^/]$|^/[^/]$",
            message = "must be an absolute znode path without trailing /")
        @DefaultValue("/heron-controlplane")
        String root,
    @NotNull @DefaultValue("30s") Duration sessionTimeout,
    @NotNull @DefaultValue("15s") Duration connectionTimeout,
    @NotNull @DefaultValue("10s") Duration operationTimeout,
    @Pattern(regexp = "^$|^[^:]+:.+$", message = "must be user:password") String digest,
    @Valid @NotNull @DefaultValue Embedded embedded,
    @Valid @NotNull @DefaultValue Tls tls) {

  /**
   * The embedded ZooKeeper server (real ZooKeeper server code in this JVM) used by the local
   * default.
   *
   * @param enabled start the embedded server before connecting
   * @param port its client port on 127.0.0.1
   * @param dataDirectory where it keeps its snapshots and logs
   */
  public record Embedded(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("2181") int port,
      @NotNull @DefaultValue("./data/zookeeper") Path dataDirectory) {}

  /**
   * TLS to ZooKeeper's secure client port ({@code secureClientPort}, Netty on both sides). The
   * client checks the server's certificate against the trust store (host name included); the key
   * store is the client's own certificate, which the server asks for unless its {@code
   * ssl.clientAuth} is {@code none}. Digest ACLs work on top of it unchanged.
   *
   * @param enabled connect over TLS (then {@code trust-store.location} is required)
   * @param keyStore the client's key and certificate
   * @param trustStore the certificates the server's is checked against
   */
  public record Tls(
      @DefaultValue("false") boolean enabled,
      @Valid @NotNull @DefaultValue Store keyStore,
      @Valid @NotNull @DefaultValue Store trustStore) {

    /** Off: plain TCP. */
    public static final Tls OFF = new Tls(false, Store.NONE, Store.NONE);

    @AssertTrue(
        message =
            "set heroncp.zookeeper.tls.trust-store.location when heroncp.zookeeper.tls.enabled is true")
    public boolean isTrustStoreSetWhenEnabled() {
      return !enabled || trustStore.isSet();
    }

    @Override
    public String toString() {
      return enabled ? "on (key store " + keyStore + ", trust store " + trustStore + ")" : "off";
    }
  }

  /**
   * A key or trust store file.
   *
   * @param location its path; empty = none
   * @param password its password; never logged
   * @param type JKS, PKCS12, PEM or BCFKS; empty = from the file name's extension
   */
  public record Store(
      String location,
      String password,
      @Pattern(
              regexp = "(?i)^$|^(JKS|PKCS12|PEM|BCFKS)$",
              message = "must be JKS, PKCS12, PEM or BCFKS")
          String type) {

    public static final Store NONE = new Store(null, null, null);

    public boolean isSet() {
      return location != null && !location.isBlank();
    }

    @Override
    public String toString() {
      return isSet()
          ? location + (type == null || type.isEmpty() ? "" : " (" + type + ")")
          : "none";
    }
  }

  @Override
  public String toString() {
    return "ZooKeeperProperties[connectString="
        + connectString
        + ", root="
        + root
        + ", digest="
        + (digest == null || digest.isEmpty() ? "none" : "****")
        + ", tls="
        + tls
        + "]";
  }
}
