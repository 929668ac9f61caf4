package io.heroncp.packages;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One file in a {@link PackageStore}: its content digest, the name it is served under, its size,
 * where it lies on local disk and when it was stored. The file never changes once stored.
 *
 * @param sha256 lowercase hex SHA-256 of the file's bytes
 * @param fileName the plain file name (no directories)
 * @param size the file's size in bytes
 * @param path the absolute path of the stored file, or null when it is not on local disk (a bucket)
 * @param storedAt when it was stored (last modified), or null when unknown
 */
public record StoredPackage(
    String sha256, String fileName, long size, Path path, Instant storedAt) {

  public StoredPackage(String sha256, String fileName, long size, Path path) {
    this(sha256, fileName, size, path, null);
  }
}
