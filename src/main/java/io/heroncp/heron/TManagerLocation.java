package io.heroncp.heron;

/**
 * Where a topology's manager (TManager) listens ({@code tmanagers/<name>}, ephemeral, protobuf
 * {@code heron.proto.tmanager.TManagerLocation}); activate and deactivate call {@code
 * http://host:controllerPort/activate?topologyid=<id>}.
 *
 * @param statsPort 0 when the node has none
 */
public record TManagerLocation(
    String topologyName,
    String topologyId,
    String host,
    int controllerPort,
    int serverPort,
    int statsPort) {}
