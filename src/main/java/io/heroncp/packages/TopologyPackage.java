package io.heroncp.packages;

import java.net.URI;

/**
 * A built topology package: the stored {@code topology.tar.gz} and the URI Aurora's agents fetch it
 * from ({@code heron.package.topology.uri}).
 */
public record TopologyPackage(StoredPackage stored, URI uri) {}
