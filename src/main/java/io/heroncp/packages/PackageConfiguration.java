package io.heroncp.packages;

import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Creates the package store (beans {@code packageStore}, {@code topologyPackageBuilder}) from
 * {@link PackageStoreProperties}, signing URLs with the {@link PackageUrlSigner} bean the security
 * package provides. Unconditional: every deployment serves packages to Aurora.
 */
@Configuration(proxyBeanMethods = false)
class PackageConfiguration {

  private static final Logger log = LoggerFactory.getLogger(PackageConfiguration.class);

  @Bean
  PackageStore packageStore(PackageStoreProperties properties) {
    PackageStore store = new PackageStore(properties.directory());
    List<StoredPackage> stored = store.list();
    // The startup summary names the directory and the upload limit.
    log.debug(
        "Package store in {} ({} files, {} bytes, max upload {})",
        store.directory(),
        stored.size(),
        stored.stream().mapToLong(StoredPackage::size).sum(),
        properties.maxUploadSize());
    return store;
  }

  /**
   * Signs package URIs with {@code heroncp.security.package-url-secret} (when set) and, with {@code
   * heroncp.security.enabled=true}, makes downloads require a valid signature.
   */
  @Bean
  StoredTopologyPackages topologyPackages(
      PackageStore packageStore,
      TopologyPackageBuilder topologyPackageBuilder,
      PackageStoreProperties properties) {
    return new StoredTopologyPackages(
        packageStore, topologyPackageBuilder, properties.maxUploadSize().toBytes());
  }

  /**
   * The builder addresses packages under {@code heroncp.packages.public-base-url}; when that is
   * empty, under {@code http://127.0.0.1:<port>} with the port the web server actually listens on
   * (only right when Aurora's agents run on this host, as in local setups).
   */
  @Bean
  TopologyPackageBuilder topologyPackageBuilder(
      PackageStore packageStore,
      PackageStoreProperties properties,
      PackageUrlSigner packageUrlSigner,
      Environment environment) {
    if (properties.publicBaseUrl() != null) {
      return new TopologyPackageBuilder(packageStore, properties.publicBaseUrl(), packageUrlSigner);
    }
    log.warn(
        "heroncp.packages.public-base-url is not set; package URIs point at 127.0.0.1, which only agents on"
            + " this host can reach");
    return new TopologyPackageBuilder(
        packageStore,
        () ->
            URI.create(
                "http://127.0.0.1:"
                    + environment.getProperty(
                        "local.server.port", environment.getProperty("server.port", "8080"))),
        packageUrlSigner);
  }
}
