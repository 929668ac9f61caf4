package io.heroncp.packages;

import io.heroncp.topology.TopologyPackageRequest;
import io.heroncp.topology.TopologyPackages;
import io.heroncp.topology.TopologyRecord;
import java.net.URI;

/** The core's package port over the local package store and the package builder. */
class StoredTopologyPackages implements TopologyPackages {

  private final PackageStore store;
  private final TopologyPackageBuilder builder;
  private final long maxUploadBytes;

  StoredTopologyPackages(PackageStore store, TopologyPackageBuilder builder, long maxUploadBytes) {
    this.store = store;
    this.builder = builder;
    this.maxUploadBytes = maxUploadBytes;
  }

  @Override
  public URI placeholderUri() {
    return builder.placeholderUri();
  }

  @Override
  public TopologyRecord.PackageRef build(TopologyPackageRequest request) {
    TopologyPackage built = builder.build(request);
    StoredPackage stored = built.stored();
    return new TopologyRecord.PackageRef(
        stored.sha256(), stored.fileName(), stored.size(), built.uri());
  }

  @Override
  public void delete(String sha256) {
    store.delete(sha256);
  }

  @Override
  public long maxUploadBytes() {
    return maxUploadBytes;
  }
}
