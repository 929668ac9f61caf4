package io.heroncp.zookeeper;

import static io.heroncp.support.FreePorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.support.KeyStores;
import jakarta.validation.Validation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * The service's ZooKeeper client over TLS against a real ZooKeeper server with a secure client port
 * (Netty, mutual TLS with keytool-made PKCS12 stores): it connects, writes and reads with its
 * digest ACLs; a plain client to the same port never connects.
 */
class ZooKeeperTlsTest {

  private static final String PASSWORD = "changeit-" + System.nanoTime();

  private static Properties systemProperties;
  private static TestingServer server;
  private static int securePort;
  private static Path serverTrust;
  private static Path client;
  private static Path clientTrust;

  private CuratorFramework curator;

  @BeforeAll
  static void startSecureZooKeeper() throws Exception {
    // ZooKeeper's server copies unknown config keys (serverCnxnFactory, ssl.*) into system
    // properties: undo it after.
    systemProperties = (Properties) System.getProperties().clone();
    Path directory = Files.createTempDirectory("zk-tls");
    KeyStores stores = new KeyStores(directory, PASSWORD);
    Path serverKeys = stores.identity("zk-server");
    client = stores.identity("heroncp");
    serverTrust = stores.trustStore("zk-server-trust", "heroncp");
    clientTrust = stores.trustStore("heroncp-trust", "zk-server");
    // Known up front: TestingServer reports only the plain client port, not the secure one.
    securePort = freePort();
    Map<String, Object> custom = new HashMap<>();
    custom.put("secureClientPort", Integer.toString(securePort));
    custom.put("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
    custom.put("ssl.keyStore.location", serverKeys.toString());
    custom.put("ssl.keyStore.password", PASSWORD);
    custom.put("ssl.keyStore.type", KeyStores.TYPE);
    custom.put("ssl.trustStore.location", serverTrust.toString());
    custom.put("ssl.trustStore.password", PASSWORD);
    custom.put("ssl.trustStore.type", KeyStores.TYPE);
    server =
        new TestingServer(
            new InstanceSpec(
                Files.createTempDirectory("zk-tls-data").toFile(),
                -1,
                -1,
                -1,
                true,
                -1,
                -1,
                -1,
                custom,
                "127.0.0.1"),
            true);
  }

  @AfterAll
  static void stopSecureZooKeeper() throws Exception {
    if (server != null) {
      server.close();
    }
    System.setProperties(systemProperties);
  }

  @AfterEach
  void closeClient() {
    if (curator != null) {
      curator.close();
    }
  }

  private static ZooKeeperProperties properties(ZooKeeperProperties.Tls tls, String digest) {
    return new ZooKeeperProperties(
        "127.0.0.1:" + securePort,
        "/cp",
        Duration.ofSeconds(10),
        Duration.ofSeconds(3),
        Duration.ofSeconds(3),
        digest,
        new ZooKeeperProperties.Embedded(false, 0, Path.of("unused")),
        tls);
  }

  private static ZooKeeperProperties.Tls tls() {
    return new ZooKeeperProperties.Tls(
        true,
        new ZooKeeperProperties.Store(client.toString(), PASSWORD, "pkcs12"),
        new ZooKeeperProperties.Store(clientTrust.toString(), PASSWORD, "PKCS12"));
  }

  @Test
  void serviceClientConnectsOverTlsAndWritesAndReadsWithItsDigestAcls() throws Exception {
    ZooKeeperProperties properties = properties(tls(), "heroncp:secret");
    curator = ZooKeeperConfiguration.clientBuilder(properties, properties.connectString()).build();
    curator.start();

    assertThat(curator.blockUntilConnected(10, TimeUnit.SECONDS)).as("connected over TLS").isTrue();
    curator
        .create()
        .creatingParentsIfNeeded()
        .forPath("/cp/tls", "over-tls".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(curator.getData().forPath("/cp/tls"), StandardCharsets.UTF_8))
        .isEqualTo("over-tls");
    List<ACL> acls = curator.getACL().forPath("/cp/tls");
    assertThat(acls).extracting(acl -> acl.getId().getScheme()).contains("digest", "world");
    assertThat(
            curator
                .getZookeeperClient()
                .getZooKeeper()
                .getClientConfig()
                .getBoolean("zookeeper.client.secure"))
        .isTrue();
  }

  @Test
  void plainClientToTheSecurePortNeverConnects() throws Exception {
    curator =
        CuratorFrameworkFactory.newClient(
            "127.0.0.1:" + securePort, 5_000, 1_000, new RetryOneTime(100));
    curator.start();

    assertThat(curator.blockUntilConnected(3, TimeUnit.SECONDS))
        .as("plain TCP to the TLS port")
        .isFalse();
  }

  @Test
  void tlsClientWithoutTheServersCertificateInItsTrustStoreNeverConnects() throws Exception {
    // The client's trust store holds only its own certificate: the server's is not trusted.
    ZooKeeperProperties.Tls untrusting =
        new ZooKeeperProperties.Tls(
            true,
            new ZooKeeperProperties.Store(client.toString(), PASSWORD, "PKCS12"),
            new ZooKeeperProperties.Store(serverTrust.toString(), PASSWORD, "PKCS12"));
    ZooKeeperProperties properties = properties(untrusting, null);
    curator = ZooKeeperConfiguration.clientBuilder(properties, properties.connectString()).build();
    curator.start();

    assertThat(curator.blockUntilConnected(3, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void tlsWithoutATrustStoreIsRefusedAtBinding() {
    Map<String, String> settings =
        Map.of(
            "heroncp.zookeeper.tls.enabled",
            "true",
            "heroncp.zookeeper.tls.key-store.location",
            "/etc/heroncp/zk-client.p12");

    assertThatThrownBy(() -> bind(settings))
        .hasStackTraceContaining("heroncp.zookeeper.tls.trust-store.location");
    assertThatThrownBy(() -> bind(Map.of("heroncp.zookeeper.tls.trust-store.type", "P12")))
        .hasStackTraceContaining("must be JKS, PKCS12, PEM or BCFKS");
    assertThat(
            bind(Map.of(
                    "heroncp.zookeeper.tls.enabled",
                    "true",
                    "heroncp.zookeeper.tls.trust-store.location",
                    "/etc/heroncp/zk-trust.p12"))
                .tls()
                .trustStore()
                .location())
        .isEqualTo("/etc/heroncp/zk-trust.p12");
  }

  private static ZooKeeperProperties bind(Map<String, String> settings) {
    Binder binder = new Binder(new MapConfigurationPropertySource(settings));
    return binder.bindOrCreate(
        "heroncp.zookeeper",
        Bindable.of(ZooKeeperProperties.class),
        new ValidationBindHandler(
            new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator())));
  }

  @Test
  void passwordsAreNotInTheSettingsText() {
    ZooKeeperProperties properties = properties(tls(), "heroncp:secret");

    assertThat(properties.toString())
        .contains("tls=on", client.toString())
        .doesNotContain(PASSWORD, "secret");
  }
}
