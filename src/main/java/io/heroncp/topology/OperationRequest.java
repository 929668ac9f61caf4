package io.heroncp.topology;

/**
 * How a client asked for a mutation.
 *
 * @param key the topology
 * @param requester who asks
 * @param idempotencyKey the {@code Idempotency-Key} header, or null
 * @param idempotencyScope the request's method and path (see {@code OperationStore.scope})
 * @param ifMatch the {@code If-Match} header, or null
 * @param async whether the client sent {@code Prefer: respond-async}
 */
public record OperationRequest(
    TopologyKey key,
    String requester,
    String idempotencyKey,
    String idempotencyScope,
    String ifMatch,
    boolean async) {}
