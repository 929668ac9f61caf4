package io.heroncp.deploy;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.cluster.ClustersProperties;
import io.heroncp.packages.PackageStoreProperties;
import io.heroncp.security.SecurityProperties;
import io.heroncp.simulator.SimulatorProperties;
import io.heroncp.topology.EventsProperties;
import io.heroncp.topology.OperationsProperties;
import io.heroncp.topology.StatusProperties;
import io.heroncp.zookeeper.ZooKeeperProperties;
import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.PropertyPlaceholderHelper;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * A configuration file bound the way the service binds it: loaded by Spring Boot's own YAML loader,
 * placeholders resolved strictly from a given environment, every {@code heroncp.*} record bound
 * with validation and with no key left unbound, and the clusters checked by {@link
 * ClusterRegistry}. Any mistake fails with the key at fault.
 */
record ServiceConfiguration(
    List<String> keys,
    ZooKeeperProperties zookeeper,
    PackageStoreProperties packages,
    SimulatorProperties simulator,
    OperationsProperties operations,
    StatusProperties status,
    EventsProperties events,
    SecurityProperties security,
    ClustersProperties clusters,
    ClusterRegistry registry) {

  private static final Set<String> HERONCP_SECTIONS =
      Set.of(
          "zookeeper",
          "packages",
          "simulator",
          "operations",
          "status",
          "events",
          "security",
          "clusters",
          "aurora-clusters-json");

  /** Every flattened key of a YAML document, as Spring Boot reads it. */
  static List<String> keys(String yaml) {
    List<String> keys = new ArrayList<>();
    for (PropertySource<?> source : load(yaml)) {
      keys.addAll(List.of(((EnumerablePropertySource<?>) source).getPropertyNames()));
    }
    return keys;
  }

  /**
   * Binds a YAML document.
   *
   * @param environment what {@code ${...}} placeholders resolve from; a placeholder without a value
   *     or default fails
   * @param discoveredElsewhere clusters whose discovery comes from Aurora's clusters.json
   */
  static ServiceConfiguration bind(
      String yaml, Map<String, String> environment, Set<String> discoveredElsewhere) {
    List<PropertySource<?>> loaded = load(yaml);
    Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.from(loaded);
    PropertyPlaceholderHelper placeholders =
        new PropertyPlaceholderHelper("${", "}", ":", '\\', false);
    Binder binder =
        new Binder(
            sources,
            value ->
                value instanceof String text
                    ? placeholders.replacePlaceholders(text, environment::get)
                    : value);
    List<String> keys = keys(yaml);
    for (String key : keys) {
      if (key.startsWith("heroncp.")) {
        String section = key.substring("heroncp.".length()).split("[.\\[]")[0];
        if (!HERONCP_SECTIONS.contains(section)) {
          throw new IllegalArgumentException(
              "unknown setting " + key + ": heroncp has only " + new TreeSet<>(HERONCP_SECTIONS));
        }
      }
    }
    ZooKeeperProperties zookeeper = bind(binder, "heroncp.zookeeper", ZooKeeperProperties.class);
    PackageStoreProperties packages =
        bind(binder, "heroncp.packages", PackageStoreProperties.class);
    SimulatorProperties simulator = bind(binder, "heroncp.simulator", SimulatorProperties.class);
    OperationsProperties operations =
        bind(binder, "heroncp.operations", OperationsProperties.class);
    StatusProperties status = bind(binder, "heroncp.status", StatusProperties.class);
    EventsProperties events = bind(binder, "heroncp.events", EventsProperties.class);
    SecurityProperties security = bind(binder, "heroncp.security", SecurityProperties.class);
    // ClustersProperties lives at heroncp itself: bind it from the clusters' keys only, so the
    // other sections do not
    // count as unbound.
    List<ConfigurationPropertySource> clusterSources = new ArrayList<>();
    sources.forEach(source -> clusterSources.add(source.filter(name -> isClusterKey(name))));
    Binder clusterBinder =
        new Binder(
            clusterSources,
            value ->
                value instanceof String text
                    ? placeholders.replacePlaceholders(text, environment::get)
                    : value);
    ClustersProperties clusters = bind(clusterBinder, "heroncp", ClustersProperties.class);
    return new ServiceConfiguration(
        keys,
        zookeeper,
        packages,
        simulator,
        operations,
        status,
        events,
        security,
        clusters,
        new ClusterRegistry(clusters.clusters(), discoveredElsewhere));
  }

  private static boolean isClusterKey(ConfigurationPropertyName name) {
    String text = name.toString();
    return text.startsWith("heroncp.clusters") || text.equals("heroncp.aurora-clusters-json");
  }

  private static <T> T bind(Binder binder, String prefix, Class<T> type) {
    BindHandler handler =
        new ValidationBindHandler(
            new NoUnboundElementsBindHandler(BindHandler.DEFAULT),
            new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator()));
    return binder.bindOrCreate(prefix, Bindable.of(type), handler);
  }

  private static List<PropertySource<?>> load(String yaml) {
    try {
      return new YamlPropertySourceLoader()
          .load("config", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8), "config"));
    } catch (IOException e) {
      throw new IllegalArgumentException("not YAML: " + e.getMessage(), e);
    }
  }
}
