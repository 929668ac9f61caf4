package io.heroncp.packages;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;

/**
 * A content-addressed store of topology packages: every file lives under {@code
 * <sha256>/<fileName>}, where {@code sha256} is the digest of its bytes, so a stored file never
 * changes. Two implementations: {@link FileSystemPackageStore} (a local or shared directory) and
 * {@link S3PackageStore} (an S3-compatible bucket, shared by any number of replicas).
 *
 * <p>Guarantees common to both: uploads are streamed (never held in memory as a whole) and hashed
 * while they are written; a file becomes visible under its final name only once complete and
 * verified; storing content already stored returns the existing file (idempotent); names are
 * validated ({@link #isSha256}, {@link #isPlainFileName}) before any path or key is built. All
 * methods are thread-safe.
 */
public interface PackageStore {

  /**
   * Where the store keeps files, for logs and health: a directory or {@code s3://bucket/prefix}.
   */
  String location();

  /**
   * Streams {@code in} into the store under {@code fileName}, hashing while writing. Reads {@code
   * in} to its end but does not close it.
   *
   * @param maxBytes the largest accepted size; as soon as more bytes were read the upload is
   *     abandoned ({@link io.heroncp.problems.PayloadTooLargeException}, nothing left behind)
   */
  StoredPackage store(InputStream in, String fileName, long maxBytes);

  /**
   * Stores whatever {@code writer} writes under {@code fileName} (generated files such as the
   * topology package); same guarantees as {@link #store}.
   */
  StoredPackage write(String fileName, ContentWriter writer);

  /** The stored file {@code <sha256>/<fileName>}, if present; invalid names yield empty. */
  Optional<StoredPackage> find(String sha256, String fileName);

  /**
   * The bytes of a stored file as a Spring resource with a known length; reading it after {@code
   * skip(n)} starts at byte {@code n} without reading the bytes before (ranged downloads).
   */
  Resource content(StoredPackage stored);

  /** Removes every file stored under {@code sha256}. Idempotent. */
  boolean delete(String sha256);

  /** Every stored file, sorted by digest then name; a snapshot, cost grows with the store. */
  List<StoredPackage> list();

  /**
   * Removes upload temp files (and, in a bucket, unfinished multipart uploads) older than {@code
   * olderThan}: left over from a crash during an upload.
   *
   * @return how many were removed
   */
  int removeStaleTempFiles(Duration olderThan);

  /**
   * A URI Aurora's agents may fetch the file from directly, bypassing this service (presigned S3
   * URLs), or empty when packages are served by the service.
   */
  default Optional<URI> directUri(StoredPackage stored) {
    return Optional.empty();
  }

  /** Bytes still usable where files are stored, or -1 when that is unknown or unbounded. */
  long freeBytes();

  /**
   * Whether the store can be written now: writes, reads back and deletes a small probe file. Used
   * by the health indicator and the preflight; never throws.
   */
  Probe probe();

  /** The outcome of {@link #probe()}: whether the store works, and what was found. */
  record Probe(boolean ok, String detail) {}

  /** True when {@code sha256} is a lowercase hex SHA-256 digest, the only form stores use. */
  static boolean isSha256(String sha256) {
    return sha256 != null && Names.SHA256.matcher(sha256).matches();
  }

  /**
   * True when {@code fileName} is a plain file name: {@code ^[A-Za-z0-9._-]+$}, at most 255
   * characters, not {@code .} or {@code ..}.
   */
  static boolean isPlainFileName(String fileName) {
    return fileName != null
        && fileName.length() <= 255
        && Names.FILE_NAME.matcher(fileName).matches()
        && !fileName.equals(".")
        && !fileName.equals("..");
  }

  /** Writes a file's content to the store's stream; see {@link #write(String, ContentWriter)}. */
  @FunctionalInterface
  interface ContentWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /** The name rules, compiled once. */
  final class Names {
    static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    static final Pattern FILE_NAME = Pattern.compile("^[A-Za-z0-9._-]+$");

    private Names() {}
  }
}
