package io.heroncp.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The package port, content-addressed as the package store is: the digest covers what goes into the
 * package (definition, binary and its name, overrides, state-manager settings), so equal packages
 * share one entry; delete is idempotent. Reads the binary while building, as the builder does (the
 * file is gone afterwards).
 */
final class InMemoryPackages implements TopologyPackages {

  final Faults faults = new Faults();
  private final long maxUploadBytes;
  private final Map<String, TopologyRecord.PackageRef> stored = new TreeMap<>();
  private final List<String> deleted = new ArrayList<>();

  InMemoryPackages(long maxUploadBytes) {
    this.maxUploadBytes = maxUploadBytes;
  }

  @Override
  public URI placeholderUri() {
    return URI.create("http://packages.test/packages/PLACEHOLDER/topology.tar.gz");
  }

  @Override
  public synchronized TopologyRecord.PackageRef build(TopologyPackageRequest request) {
    faults.before("build");
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(request.definition());
      digest.update(Files.readAllBytes(request.binary()));
      digest.update(
          (request.binaryFileName()
                  + "\n"
                  + request.overrides()
                  + "\n"
                  + request.stateManagerConnection()
                  + "\n"
                  + request.stateManagerRoot())
              .getBytes(StandardCharsets.UTF_8));
      String sha256 = HexFormat.of().formatHex(digest.digest());
      TopologyRecord.PackageRef ref =
          new TopologyRecord.PackageRef(
              sha256,
              "topology.tar.gz",
              1,
              URI.create("http://packages.test/packages/" + sha256 + "/topology.tar.gz"));
      stored.put(sha256, ref);
      faults.after("build");
      return ref;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void delete(String sha256) {
    deleted.add(sha256);
    faults.before("delete");
    stored.remove(sha256);
  }

  @Override
  public long maxUploadBytes() {
    return maxUploadBytes;
  }

  /** The digests stored now. */
  synchronized List<String> stored() {
    return List.copyOf(stored.keySet());
  }

  /** Every digest a delete was asked for, oldest first. */
  synchronized List<String> deleted() {
    return List.copyOf(deleted);
  }
}
