package io.heroncp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.HeronControlPlaneApplication;
import io.heroncp.support.KeyStores;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The service over HTTPS with a Spring SSL bundle ({@code server.ssl.bundle} naming a {@code
 * spring.ssl.bundle.jks.*} PKCS12 key store made by keytool), in its own context with its own
 * ZooKeeper: a client trusting the certificate gets 200; plain HTTP on the same port gets no API
 * answer.
 */
class ServiceTlsTest {

  private TestingServer zooKeeper;
  private ConfigurableApplicationContext service;

  @AfterEach
  void stop() throws IOException {
    if (service != null) {
      service.close();
    }
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  @Test
  void serviceServesHttpsWithAnSslBundleAndRefusesPlainHttpOnThatPort() throws Exception {
    Path data = Files.createTempDirectory("heroncp-tls");
    KeyStores stores = new KeyStores(data, "changeit-" + System.nanoTime());
    Path keys = stores.identity("heroncp");
    Path trust = stores.trustStore("trust", "heroncp");
    zooKeeper = new TestingServer(true);
    service =
        SpringApplication.run(
            HeronControlPlaneApplication.class,
            "--server.port=0",
            "--server.ssl.bundle=web",
            "--spring.ssl.bundle.jks.web.keystore.location=file:" + keys,
            "--spring.ssl.bundle.jks.web.keystore.password=" + stores.password(),
            "--spring.ssl.bundle.jks.web.keystore.type=" + KeyStores.TYPE,
            "--heroncp.zookeeper.embedded.enabled=false",
            "--heroncp.zookeeper.connect-string=" + zooKeeper.getConnectString(),
            "--heroncp.clusters.local.scheduler.zookeeper=" + zooKeeper.getConnectString(),
            "--heroncp.simulator.port=0",
            "--heroncp.packages.directory=" + data.resolve("packages"));
    String port = service.getEnvironment().getProperty("local.server.port");

    HttpClient https =
        HttpClient.newBuilder()
            .sslContext(trusting(trust, stores.password()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> version =
        https.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/version"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(version.statusCode()).as(version.body()).isEqualTo(200);
    assertThat(version.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).contains("json"));

    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest overHttp =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/version"))
            .timeout(Duration.ofSeconds(5))
            .build();
    // Tomcat answers plain HTTP on a TLS connector with a bare 400 ("requires TLS"), never the API.
    HttpResponse<String> refused = plain.send(overHttp, HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("requires TLS").isNotEqualTo(version.body());
  }

  private static SSLContext trusting(Path trustStore, String password) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStores.TYPE);
    try (InputStream in = Files.newInputStream(trustStore)) {
      store.load(in, password.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
