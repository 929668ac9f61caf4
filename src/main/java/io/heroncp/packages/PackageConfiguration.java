package io.heroncp.packages;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Creates the package store (beans {@code packageStore}, {@code topologyPackageBuilder}) from
 * {@link PackageStoreProperties}: a directory, or an S3-compatible bucket with credentials from the
 * AWS SDK's default chain. URLs are signed with the {@link PackageUrlSigner} bean the security
 * package provides. Unconditional: every deployment serves packages to Aurora.
 */
@Configuration(proxyBeanMethods = false)
class PackageConfiguration {

  private static final Logger log = LoggerFactory.getLogger(PackageConfiguration.class);

  /** Closed with the context when it holds an S3 client. */
  @Bean
  PackageStore packageStore(PackageStoreProperties properties) {
    PackageStore store =
        switch (properties.store()) {
          case FILESYSTEM -> new FileSystemPackageStore(properties.directory());
          case S3 -> s3Store(properties);
        };
    // The startup summary names the location and the upload limit.
    log.debug("Package store {} (max upload {})", store.location(), properties.maxUploadSize());
    return store;
  }

  private static PackageStore s3Store(PackageStoreProperties properties) {
    PackageStoreProperties.S3 s3 = properties.s3();
    // Never from application.yaml: environment, system properties, profile, web identity, roles.
    AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    Region region =
        s3.region() != null && !s3.region().isBlank()
            ? Region.of(s3.region())
            : s3.endpoint() != null ? Region.US_EAST_1 : null;
    S3ClientBuilder client =
        S3Client.builder()
            .credentialsProvider(credentials)
            .forcePathStyle(s3.pathStyleAccess())
            // Content-MD5 per request instead of the newer trailing checksums, which many
            // S3-compatible stores do not accept.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    S3Presigner.Builder presigner =
        S3Presigner.builder()
            .credentialsProvider(credentials)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(s3.pathStyleAccess()).build());
    if (region != null) {
      client.region(region);
      presigner.region(region);
    }
    if (s3.endpoint() != null) {
      client.endpointOverride(s3.endpoint());
      presigner.endpointOverride(s3.endpoint());
    }
    return new S3PackageStore(
        client.build(),
        s3.presignedUrls() ? presigner.build() : null,
        s3.presignedUrls() ? s3.presignedUrlExpiry() : null,
        s3.bucket(),
        s3.prefix(),
        properties.directory(),
        s3.partSize().toBytes());
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
