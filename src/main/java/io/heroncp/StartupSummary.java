package io.heroncp;

import io.heroncp.aurora.AuroraScheduler;
import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.packages.PackageStore;
import io.heroncp.packages.PackageStoreProperties;
import io.heroncp.packages.PackageUrlSigner;
import io.heroncp.security.SecurityProperties;
import io.heroncp.topology.SchedulerDirectory;
import io.heroncp.zookeeper.EmbeddedZooKeeper;
import io.heroncp.zookeeper.ZooKeeperProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Logs once, when the service is ready, where everything is: one log event, values read from the
 * running beans (the web server's bound port, the ZooKeeper client's connect string, each cluster's
 * scheduler discovery). The composition root's view, so it may name adapters; no adapter names it.
 */
@Component
class StartupSummary implements ApplicationListener<ApplicationReadyEvent> {

  private static final Logger log = LoggerFactory.getLogger(StartupSummary.class);
  // Spring's default static locations: the OpenAPI file is named only where it is served.
  private static final List<String> STATIC_LOCATIONS =
      List.of(
          "classpath:/META-INF/resources/",
          "classpath:/resources/",
          "classpath:/static/",
          "classpath:/public/");

  private final Environment environment;
  private final ResourceLoader resources;
  private final ObjectProvider<SecurityProperties> security;
  private final ObjectProvider<CuratorFramework> curator;
  private final ObjectProvider<ZooKeeperProperties> zooKeeper;
  private final ObjectProvider<EmbeddedZooKeeper> embeddedZooKeeper;
  private final ObjectProvider<ClusterRegistry> clusters;
  private final ObjectProvider<SchedulerDirectory> schedulers;
  private final ObjectProvider<PackageStore> packageStore;
  private final ObjectProvider<PackageStoreProperties> packageProperties;
  private final ObjectProvider<PackageUrlSigner> packageUrls;

  StartupSummary(
      Environment environment,
      ResourceLoader resources,
      ObjectProvider<SecurityProperties> security,
      ObjectProvider<CuratorFramework> curator,
      ObjectProvider<ZooKeeperProperties> zooKeeper,
      ObjectProvider<EmbeddedZooKeeper> embeddedZooKeeper,
      ObjectProvider<ClusterRegistry> clusters,
      ObjectProvider<SchedulerDirectory> schedulers,
      ObjectProvider<PackageStore> packageStore,
      ObjectProvider<PackageStoreProperties> packageProperties,
      ObjectProvider<PackageUrlSigner> packageUrls) {
    this.environment = environment;
    this.resources = resources;
    this.security = security;
    this.curator = curator;
    this.zooKeeper = zooKeeper;
    this.embeddedZooKeeper = embeddedZooKeeper;
    this.clusters = clusters;
    this.schedulers = schedulers;
    this.packageStore = packageStore;
    this.packageProperties = packageProperties;
    this.packageUrls = packageUrls;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    // A child context (e.g. a separate management port) is ready too; the summary is the root's.
    if (event.getApplicationContext().getParent() != null
        || !(event.getApplicationContext() instanceof WebServerApplicationContext web)) {
      return;
    }
    log.info("{}", String.join(System.lineSeparator(), lines(web.getWebServer().getPort())));
  }

  List<String> lines(int port) {
    String address = environment.getProperty("server.address");
    String base =
        "http://"
            + host(address)
            + ":"
            + port
            + environment.getProperty("server.servlet.context-path", "");
    String managementBase =
        "http://"
            + host(environment.getProperty("management.server.address", address))
            + ":"
            + environment.getProperty("local.management.port", Integer.class, port)
            + environment.getProperty("management.endpoints.web.base-path", "/actuator");
    List<String> lines = new ArrayList<>();
    lines.add(
        environment.getProperty("spring.application.name", "Heron Control Plane")
            + " is ready"
            + (address == null || address.isBlank() ? " (listening on every interface)" : ""));
    lines.add(line("REST API", base + "/api/v1"));
    lines.add(
        line(
            "OpenAPI",
            served("openapi.yaml")
                ? base + "/openapi.yaml (Swagger UI: " + base + "/swagger-ui.html)"
                : "openapi.yaml in the repository"));
    lines.add(line("Health", managementBase + "/health"));
    lines.add(line("Prometheus", managementBase + "/prometheus"));
    lines.add(line("Security", security(address)));
    lines.add(line("ZooKeeper", zooKeeper()));
    ClusterRegistry registry = clusters.getIfAvailable();
    if (registry != null) {
      registry
          .all()
          .forEach(
              (name, cluster) ->
                  lines.add(
                      line(
                          "Cluster " + name,
                          scheduler(name) + "; Heron state under " + cluster.heronRoot())));
    }
    lines.add(line("Packages", packages()));
    return lines;
  }

  private static String line(String label, String value) {
    return String.format("  %-14s %s", label, value);
  }

  private boolean served(String file) {
    return STATIC_LOCATIONS.stream()
        .anyMatch(location -> resources.getResource(location + file).exists());
  }

  private String security(String address) {
    SecurityProperties properties = security.getIfAvailable();
    if (properties == null || !properties.enabled()) {
      return isLoopback(address)
          ? "off: open to every caller, loopback only (" + address + ")"
          : "off: open to every caller on "
              + (address == null || address.isBlank() ? "every interface" : address);
    }
    String jwt =
        environment.getProperty(
            "spring.security.oauth2.resourceserver.jwt.issuer-uri",
            environment.getProperty(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", "not configured"));
    return "on: "
        + properties.tokens().size()
        + " API token(s), JWT from "
        + withoutUserInfo(jwt)
        + ", read access "
        + properties.readAccess();
  }

  private String zooKeeper() {
    CuratorFramework client = curator.getIfAvailable();
    if (client == null) {
      return "none";
    }
    // A connect string is host:port[,host:port][/chroot]: it carries no credentials (the digest is
    // separate).
    StringBuilder text =
        new StringBuilder(client.getZookeeperClient().getCurrentConnectionString());
    EmbeddedZooKeeper embedded = embeddedZooKeeper.getIfAvailable();
    text.append(
        embedded != null ? " (embedded, data in " + embedded.dataDirectory() + ")" : " (ensemble)");
    ZooKeeperProperties properties = zooKeeper.getIfAvailable();
    if (properties != null) {
      text.append(", service root ")
          .append(properties.root())
          .append(", TLS ")
          .append(properties.tls().enabled() ? "on" : "off");
    }
    return text.toString();
  }

  private String scheduler(String cluster) {
    boolean simulated =
        environment.getProperty("heroncp.simulator.enabled", Boolean.class, false)
            && cluster.equals(environment.getProperty("heroncp.simulator.cluster-name"));
    SchedulerDirectory directory = schedulers.getIfAvailable();
    String discovery =
        directory != null && directory.forCluster(cluster) instanceof AuroraScheduler aurora
            ? withoutUserInfo(aurora.discoveryDescription())
            : "unknown";
    return (simulated ? "Aurora simulator (in this process), found by " : "Aurora scheduler by ")
        + discovery;
  }

  private String packages() {
    PackageStore store = packageStore.getIfAvailable();
    PackageStoreProperties properties = packageProperties.getIfAvailable();
    PackageUrlSigner signer = packageUrls.getIfAvailable();
    return (store == null ? "none" : store.location())
        + (properties == null ? "" : " (max upload " + readable(properties.maxUploadSize()) + ")")
        + (signer == null
            ? ""
            : signer.signs()
                ? ", URLs signed, "
                    + (signer.required() ? "signature required" : "signature not checked")
                : ", URLs unsigned");
  }

  private static String readable(DataSize size) {
    long bytes = size.toBytes();
    return bytes > 0 && bytes % DataSize.ofMegabytes(1).toBytes() == 0
        ? size.toMegabytes() + "MB"
        : size.toString();
  }

  private static String host(String address) {
    if (address == null || address.isBlank() || address.equals("0.0.0.0") || address.equals("::")) {
      return "localhost";
    }
    return address.contains(":") ? "[" + address + "]" : address;
  }

  private static boolean isLoopback(String address) {
    if (address == null || address.isBlank()) {
      return false;
    }
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String withoutUserInfo(String text) {
    return text.replaceAll("//[^/@\\s]+@", "//");
  }
}
