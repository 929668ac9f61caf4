package io.heroncp.security;

import io.heroncp.packages.PackageUrlSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The package URL signer, from {@code heroncp.security.package-url-*} (here, so packages need not
 * read security).
 */
@Configuration(proxyBeanMethods = false)
class PackageUrlSigning {

  private static final Logger log = LoggerFactory.getLogger(PackageUrlSigning.class);

  @Bean
  PackageUrlSigner packageUrlSigner(SecurityProperties security) {
    PackageUrlSigner signer =
        new PackageUrlSigner(
            security.packageUrlSecret(), security.packageUrlPreviousSecrets(), security.enabled());
    // The startup summary says signed or unsigned; the detail is for debugging.
    log.debug(
        "Package URLs: {}",
        signer.signs()
            ? "signed ("
                + security.packageUrlPreviousSecrets().size()
                + " previous secrets accepted), "
                + (security.enabled()
                    ? "signature required"
                    : "signature not checked while heroncp.security.enabled=false")
            : "unsigned, not checked (heroncp.security.package-url-secret is not set)");
    return signer;
  }
}
