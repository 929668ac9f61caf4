package io.heroncp.cluster;

import jakarta.validation.Valid;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The clusters this service manages ({@code heroncp.clusters.<name>.*}), plus an optional Aurora
 * {@code clusters.json} whose entries supply scheduler discovery for clusters of the same name.
 *
 * @param clusters the Aurora clusters this service manages, by name (the Aurora and the Heron
 *     cluster name)
 * @param auroraClustersJson an Aurora {@code clusters.json} whose entry of the same name supplies
 *     scheduler discovery to a cluster that configures none itself; it adds no clusters
 */
@Validated
@ConfigurationProperties("heroncp")
public record ClustersProperties(
    @Valid @DefaultValue Map<String, ClusterProperties> clusters, Path auroraClustersJson) {}
