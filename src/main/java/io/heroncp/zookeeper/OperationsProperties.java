package io.heroncp.zookeeper;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How lifecycle operations coordinate across replicas ({@code heroncp.operations.*}).
 *
 * @param idempotencyTtl how long an {@code Idempotency-Key} answers with its first operation
 * @param lockRetryAfter the {@code Retry-After} a request gets when its topology is locked by another operation
 * @param participantId this replica's id in the leader election; default: host name and process id
 */
@Validated
@ConfigurationProperties("heroncp.operations")
public record OperationsProperties(
    @NotNull @DefaultValue("24h") Duration idempotencyTtl,
    @NotNull @DefaultValue("5s") Duration lockRetryAfter,
    String participantId) {}
