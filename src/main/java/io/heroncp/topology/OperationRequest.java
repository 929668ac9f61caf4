package io.heroncp.topology;

/**
 * How a client asked for a mutation.
 *
 * @param key the topology
 * @param requester who asks
 * @param idempotencyKey the {@code Idempotency-Key} header, or null
 * @param idempotencyScope the request's method and path (see {@code OperationStore.scope}); {@link
 *     #scope()} adds the topology and the requester
 * @param ifMatch the {@code If-Match} header, or null
 * @param async whether the client sent {@code Prefer: respond-async}
 */
public record OperationRequest(
    TopologyKey key,
    String requester,
    String idempotencyKey,
    String idempotencyScope,
    String ifMatch,
    boolean async) {

  /**
   * The scope an {@code Idempotency-Key} is claimed in: method and path, the target topology and
   * the requester, so one client's key never answers for another topology or another principal.
   */
  public String scope() {
    return idempotencyScope == null
        ? null
        : idempotencyScope + "\n" + key.path() + "\n" + requester;
  }
}
