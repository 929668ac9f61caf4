package io.heroncp.topology;

/**
 * A {@link TopologyEvent} as a stream delivers it.
 *
 * @param id {@code <epoch>-<sequence>}: the epoch names this replica's process, the sequence counts
 *     its events; what a client sends back as {@code Last-Event-ID}
 * @param sequence the sequence part of the id
 */
public record StreamedEvent(String id, long sequence, TopologyEvent event) {}
