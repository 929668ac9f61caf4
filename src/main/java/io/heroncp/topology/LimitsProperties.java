package io.heroncp.topology;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds on what one request may ask for ({@code heroncp.limits.*}), checked before anything is
 * computed or written, so a hostile or mistyped number cannot exhaust the heap or a ZooKeeper node.
 *
 * @param maxContainers the most Heron containers a topology may have ({@code topology.stmgrs},
 *     {@code container_number})
 * @param maxInstancesPerComponent the most instances of one spout or bolt ({@code
 *     component_parallelism}, the definition's parallelism)
 * @param maxInstances the most instances of a whole topology (sum over its components)
 * @param maxOverrides the most config overrides of a submit, and entries of a repeatable update
 *     field
 * @param maxOverrideLength the longest config override value (and {@code runtime_config} entry), in
 *     characters
 * @param maxFormSize the most characters of all form fields of one request together (names and
 *     values, files excluded)
 */
@Validated
@ConfigurationProperties("heroncp.limits")
public record LimitsProperties(
    @Min(1) @Max(100_000) @DefaultValue("1000") int maxContainers,
    @Min(1) @Max(100_000) @DefaultValue("1000") int maxInstancesPerComponent,
    @Min(1) @Max(1_000_000) @DefaultValue("10000") int maxInstances,
    @Min(1) @Max(10_000) @DefaultValue("100") int maxOverrides,
    @Min(16) @Max(100_000) @DefaultValue("4096") int maxOverrideLength,
    @Min(1024) @Max(10_000_000) @DefaultValue("262144") int maxFormSize) {

  /** The defaults, for code that runs without Spring (tests, tools). */
  public static LimitsProperties defaults() {
    return new LimitsProperties(1000, 1000, 10_000, 100, 4096, 262_144);
  }
}
