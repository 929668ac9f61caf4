package io.heroncp.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The ZooKeeper client (and, for the local default, the embedded server it connects to). */
@Configuration(proxyBeanMethods = false)
class ZooKeeperConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperConfiguration.class);

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "heroncp.zookeeper.embedded.enabled", havingValue = "true")
  EmbeddedZooKeeper embeddedZooKeeper(ZooKeeperProperties properties) throws Exception {
    return EmbeddedZooKeeper.start(
        properties.embedded().port(), properties.embedded().dataDirectory());
  }

  @Bean(destroyMethod = "close")
  CuratorFramework curatorFramework(
      ZooKeeperProperties properties, ObjectProvider<EmbeddedZooKeeper> embedded)
      throws InterruptedException {
    EmbeddedZooKeeper server = embedded.getIfAvailable();
    String connectString = server != null ? server.connectString() : properties.connectString();
    CuratorFramework client = clientBuilder(properties, connectString).build();
    client.start();
    if (!client.blockUntilConnected(
        (int) properties.connectionTimeout().toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS)) {
      // Keep starting: readiness reports it, mutations answer 503 until the ensemble is back.
      log.warn(
          "ZooKeeper at {} not reachable within {}; continuing, requests answer 503 until it is",
          connectString,
          properties.connectionTimeout());
    } else {
      log.info(
          "Connected to ZooKeeper at {} (service root {}, TLS {})",
          connectString,
          properties.root(),
          properties.tls());
    }
    return client;
  }

  /** The service's client settings: timeouts, retries, the digest and its ACLs, TLS. */
  static CuratorFrameworkFactory.Builder clientBuilder(
      ZooKeeperProperties properties, String connectString) {
    Duration connectionWait = connectionWait(properties);
    Duration requestTimeout = requestTimeout(properties);
    CuratorFrameworkFactory.Builder builder =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs((int) properties.sessionTimeout().toMillis())
            .connectionTimeoutMs((int) connectionWait.toMillis())
            .retryPolicy(
                new BoundedRetryPolicy(
                    connectionWait.plus(requestTimeout),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(2)));
    if (properties.digest() != null && !properties.digest().isEmpty()) {
      builder
          .authorization("digest", properties.digest().getBytes(StandardCharsets.UTF_8))
          .aclProvider(new CreatorAllWorldReadAcl());
    }
    ZKClientConfig config =
        properties.tls().enabled() ? tlsClientConfig(properties.tls()) : new ZKClientConfig();
    // A request the ensemble took but does not answer (a paused or partitioned server) fails after
    // the request timeout instead of the session's read timeout (2/3 of the session timeout).
    config.setProperty(
        ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Long.toString(requestTimeout.toMillis()));
    ZooKeeperAnswers.allowLarge(config);
    builder.zkClientConfig(config);
    return builder;
  }

  /**
   * How long one Curator call waits for a lost connection before it fails: a tenth of the operation
   * timeout (at most the connection timeout). Startup waits the whole connection timeout on its own
   * ({@link #curatorFramework}); background recipes resume on reconnection.
   */
  static Duration connectionWait(ZooKeeperProperties properties) {
    Duration tenth = properties.operationTimeout().dividedBy(10);
    return tenth.compareTo(properties.connectionTimeout()) <= 0
        ? tenth
        : properties.connectionTimeout();
  }

  /**
   * How long ZooKeeper's client waits for the answer to one request: the operation timeout less one
   * connection wait, so one whole attempt fits in it (9 s of the default 10 s). A call on the
   * request path therefore gets one attempt (see {@link BoundedRetryPolicy}); the calls after a
   * failed one fail at once ({@link ZooKeeperFailures#requireConnected}).
   */
  static Duration requestTimeout(ZooKeeperProperties properties) {
    return properties.operationTimeout().minus(connectionWait(properties));
  }

  /**
   * ZooKeeper's own client settings for TLS (per client, not system properties: Aurora's client
   * stays plain).
   */
  static ZKClientConfig tlsClientConfig(ZooKeeperProperties.Tls tls) {
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
    config.setProperty(
        ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
    store(config, "zookeeper.ssl.keyStore", tls.keyStore());
    store(config, "zookeeper.ssl.trustStore", tls.trustStore());
    return config;
  }

  private static void store(ZKClientConfig config, String prefix, ZooKeeperProperties.Store store) {
    if (!store.isSet()) {
      return;
    }
    config.setProperty(prefix + ".location", store.location());
    if (store.password() != null && !store.password().isEmpty()) {
      config.setProperty(prefix + ".password", store.password());
    }
    if (store.type() != null && !store.type().isEmpty()) {
      config.setProperty(prefix + ".type", store.type().toUpperCase(java.util.Locale.ROOT));
    }
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  TopologyStore topologyStore(
      CuratorFramework client, ZooKeeperProperties properties, JsonMapper jsonMapper) {
    return new TopologyStore(client, properties, jsonMapper);
  }

  /**
   * Heron's own processes must read the state nodes; only holders of the digest may change them.
   */
  private static final class CreatorAllWorldReadAcl implements ACLProvider {
    // Not List.of: ZooKeeper's validateACL calls contains(null), which List.of's lists reject with
    // an NPE.
    private static final List<ACL> ACLS =
        java.util.Collections.unmodifiableList(
            new java.util.ArrayList<>(
                List.of(
                    new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
                    new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))));

    @Override
    public List<ACL> getDefaultAcl() {
      return ACLS;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
      return ACLS;
    }
  }
}
