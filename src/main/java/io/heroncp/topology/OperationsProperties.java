package io.heroncp.topology;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How lifecycle operations coordinate across replicas ({@code heroncp.operations.*}).
 *
 * @param idempotencyTtl how long an {@code Idempotency-Key} answers with its first operation
 * @param lockRetryAfter the {@code Retry-After} a request gets when its topology is locked by
 *     another operation
 * @param participantId this replica's id in the leader election; default: host name and process id
 * @param lockWait how long a mutation waits for its topology's lock before answering 409 with
 *     Retry-After
 * @param updateTimeout how long an update waits for an Aurora job update to roll forward before
 *     aborting it
 * @param topologyManagerTimeout how long a call to a topology manager may take
 * @param topologyManagerWait how long activate, deactivate and update wait for a STARTING,
 *     RESTARTING or UPDATING topology to become ready (every task running, the topology manager up)
 *     before they answer 503 with Retry-After, recording nothing
 * @param reconcileInterval how often the leader's reconciler looks for interrupted operations and
 *     vanished jobs
 * @param reconcileAfter how old a RUNNING operation must be (and its topology unlocked) before the
 *     reconciler treats it as interrupted
 * @param backgroundThreads how many operations may run in the background ({@code Prefer:
 *     respond-async})
 * @param historyLimit how many operations each topology name's history keeps at least; older ones
 *     are removed hourly by the leader once they ended more than {@code idempotencyTtl} ago
 */
@Validated
@ConfigurationProperties("heroncp.operations")
public record OperationsProperties(
    @NotNull @DefaultValue("24h") Duration idempotencyTtl,
    @NotNull @DefaultValue("5s") Duration lockRetryAfter,
    String participantId,
    @NotNull @DefaultValue("5s") Duration lockWait,
    @NotNull @DefaultValue("10m") Duration updateTimeout,
    @NotNull @DefaultValue("10s") Duration topologyManagerTimeout,
    @NotNull @DefaultValue("60s") Duration topologyManagerWait,
    @NotNull @DefaultValue("30s") Duration reconcileInterval,
    @NotNull @DefaultValue("30s") Duration reconcileAfter,
    @DefaultValue("4") int backgroundThreads,
    @Min(
            value = 1,
            message =
                "must be at least 1: the history keeps the newest operations of each topology")
        @DefaultValue("100")
        int historyLimit) {}
