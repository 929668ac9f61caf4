package io.heroncp.topology;

import java.net.URI;

/** Port: builds, stores and removes topology packages. */
public interface TopologyPackages {

  /** The URI a dry run shows in place of a package's. */
  URI placeholderUri();

  /** Builds and stores the package; returns where Aurora's agents fetch it. */
  TopologyRecord.PackageRef build(TopologyPackageRequest request);

  void delete(String sha256);

  /** The largest topology file accepted, in bytes. */
  long maxUploadBytes();
}
