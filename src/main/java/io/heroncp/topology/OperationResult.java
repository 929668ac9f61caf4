package io.heroncp.topology;

/**
 * What a mutation answers.
 *
 * @param operation the operation (RUNNING when {@code accepted})
 * @param record the topology afterwards (for a kill: its final record, state KILLED); null when
 *     accepted
 * @param accepted the operation goes on in the background ({@code Prefer: respond-async}): answer
 *     202
 * @param replayed the answer of an earlier request with the same {@code Idempotency-Key}
 */
public record OperationResult(
    Operation operation, TopologyRecord record, boolean accepted, boolean replayed) {}
