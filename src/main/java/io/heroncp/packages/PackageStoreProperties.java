package io.heroncp.packages;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The content-addressed package store ({@code heroncp.packages.*}).
 *
 * @param directory where packages are kept, as {@code <directory>/<sha256>/<file>}; must be shared
 *     or replicated when the service runs as several replicas behind one URL
 * @param maxUploadSize the largest topology file accepted; larger uploads answer 413
 * @param publicBaseUrl the URL of this service as Aurora's agents reach it; package URIs handed to
 *     Aurora are {@code <publicBaseUrl>/api/v1/packages/<sha256>/<file>}. Empty: derived from the
 *     server port on 127.0.0.1
 */
@Validated
@ConfigurationProperties("heroncp.packages")
public record PackageStoreProperties(
    @NotNull @DefaultValue("./data/packages") Path directory,
    @NotNull @DefaultValue("256MB") DataSize maxUploadSize,
    URI publicBaseUrl) {}
