package io.heroncp.topology;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the status watcher observes Aurora ({@code heroncp.status.*}).
 *
 * @param pollInterval how often each replica asks each cluster's scheduler for the tasks of every
 *     topology it records there (one batched call per {@code batchSize} jobs); also the shortest
 *     time between two live queries of one topology forced by {@code GET ...?refresh=true}
 * @param batchSize how many jobs one status call asks about at most
 * @param degradedAfter how long a topology's tasks may keep failing or being throttled before its
 *     {@code Healthy} condition turns False
 */
@Validated
@ConfigurationProperties("heroncp.status")
public record StatusProperties(
    @NotNull @DefaultValue("2s") Duration pollInterval,
    @Min(value = 1, message = "must be at least 1: a status call asks about one job or more")
        @Max(value = 1000, message = "must be at most 1000: keeps one scheduler call bounded")
        @DefaultValue("100")
        int batchSize,
    @NotNull @DefaultValue("60s") Duration degradedAfter) {

  public StatusProperties {
    if (pollInterval != null && (pollInterval.isNegative() || pollInterval.isZero())) {
      throw new IllegalArgumentException("heroncp.status.poll-interval must be positive");
    }
    if (degradedAfter != null && degradedAfter.isNegative()) {
      throw new IllegalArgumentException("heroncp.status.degraded-after must not be negative");
    }
  }
}
