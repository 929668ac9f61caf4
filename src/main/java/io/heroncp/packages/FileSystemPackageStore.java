package io.heroncp.packages;

import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.PayloadTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

/**
 * A content-addressed file store on local disk: every file lives at {@code
 * <directory>/<sha256>/<fileName>}, where {@code sha256} is the digest of its bytes. Aurora's
 * agents fetch topology packages from here over HTTP ({@link PackageController}), so a stored file
 * never changes: same digest, same bytes.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Streaming: uploads are written to a temporary file in the store directory while they are
 *       hashed; the content is never held in memory as a whole.
 *   <li>Atomic publication: a file appears under its final name only once complete (atomic rename
 *       within the directory); readers never see partial files. A failed or rejected store leaves
 *       no file behind.
 *   <li>Idempotent: storing content that is already stored under the same name returns the existing
 *       file.
 *   <li>Thread-safe: all methods may be called concurrently; concurrent stores of the same content
 *       both succeed and return the same {@link StoredPackage}. Publication and {@link #delete} of
 *       one digest are serialized within this JVM. Several processes sharing the directory get
 *       atomic renames but no such serialization of a delete against a concurrent store of the same
 *       digest.
 *   <li>Confined: names are validated (digest {@code ^[0-9a-f]{64}$}, file name {@code
 *       ^[A-Za-z0-9._-]+$}, not {@code .} or {@code ..}) before any path is built, so no call
 *       touches a path outside the directory.
 * </ul>
 */
public final class FileSystemPackageStore implements PackageStore {

  private static final Logger log = LoggerFactory.getLogger(FileSystemPackageStore.class);

  static final String TEMP_PREFIX = ".incoming-";
  static final String TEMP_SUFFIX = ".tmp";

  static final int BUFFER_SIZE = 64 * 1024;

  private final Path directory;

  /** Lock stripes serializing publish and delete per digest. */
  private final Object[] stripes = new Object[64];

  /**
   * Opens (creating if needed) the store in {@code directory}. Temp files left over from a crash
   * are removed by {@link #removeStaleTempFiles} (the leader's package sweep).
   *
   * @throws UncheckedIOException if the directory cannot be created
   */
  public FileSystemPackageStore(Path directory) {
    Objects.requireNonNull(directory, "directory");
    this.directory = directory.toAbsolutePath().normalize();
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
    try {
      Files.createDirectories(this.directory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the package store directory " + this.directory, e);
    }
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public Resource content(StoredPackage stored) {
    return new FileSystemResource(stored.path());
  }

  @Override
  public Probe probe() {
    if (!writable()) {
      return new Probe(
          false,
          directory
              + " does not exist or is not writable by this process; check heroncp.packages.directory"
              + " and the volume mounted there");
    }
    Path probe = null;
    try {
      probe = Files.createTempFile(directory, TEMP_PREFIX + "probe-", TEMP_SUFFIX);
      Files.write(probe, new byte[] {1});
      return new Probe(true, "wrote, read and deleted a probe file in " + directory);
    } catch (IOException e) {
      return new Probe(false, "cannot write a probe file in " + directory + ": " + e);
    } finally {
      if (probe != null) {
        deleteQuietly(probe);
      }
    }
  }

  /** The absolute store directory. */
  public Path directory() {
    return directory;
  }

  /**
   * Streams {@code in} into the store under {@code fileName}, hashing while writing. Reads {@code
   * in} to its end but does not close it.
   *
   * @param maxBytes the largest accepted size; as soon as more bytes were read the upload is
   *     abandoned
   * @throws InvalidFieldException (field {@code topology}) if {@code fileName} is not a plain file
   *     name
   * @throws PayloadTooLargeException (field {@code topology}) if {@code in} holds more than {@code
   *     maxBytes}; nothing is left on disk
   * @throws UncheckedIOException if reading {@code in} or writing the disk fails; nothing is left
   *     on disk
   */
  @Override
  public StoredPackage store(InputStream in, String fileName, long maxBytes) {
    Objects.requireNonNull(in, "in");
    return write(fileName, limitedCopy(in, maxBytes));
  }

  /** Copies {@code in} to the store's stream, refusing more than {@code maxBytes} (413). */
  static ContentWriter limitedCopy(InputStream in, long maxBytes) {
    return out -> {
      byte[] buffer = new byte[BUFFER_SIZE];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) != -1) {
        total += n;
        if (total > maxBytes) {
          throw new PayloadTooLargeException(
              "The topology file is larger than the limit of "
                  + describeSize(maxBytes)
                  + "; upload a smaller file or raise heroncp.packages.max-upload-size.",
              "topology");
        }
        out.write(buffer, 0, n);
      }
    };
  }

  /**
   * Stores whatever {@code writer} writes under {@code fileName}, hashing while writing. Same
   * guarantees as {@link #store(InputStream, String, long)}; used to store generated files (the
   * topology package) without a second copy. An exception thrown by {@code writer} propagates
   * (IOExceptions wrapped) and leaves nothing on disk.
   */
  @Override
  public StoredPackage write(String fileName, ContentWriter writer) {
    if (!PackageStore.isPlainFileName(fileName)) {
      throw new InvalidFieldException(
          "The file name '"
              + fileName
              + "' is not a plain file name; use only"
              + " letters, digits, '.', '_' and '-' (no directories).",
          "topology");
    }
    Objects.requireNonNull(writer, "writer");
    Path temp = null;
    try {
      temp = Files.createTempFile(directory, TEMP_PREFIX, TEMP_SUFFIX);
      MessageDigest digest = sha256Digest();
      long size;
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          HashingOutputStream out =
              new HashingOutputStream(Channels.newOutputStream(channel), digest)) {
        writer.writeTo(out);
        out.flush();
        // Durable before it becomes visible under its final name.
        channel.force(true);
        size = out.count;
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      return publish(temp, sha256, fileName, size);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "storing " + fileName + " in " + directory + " failed: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
    }
  }

  private StoredPackage publish(Path temp, String sha256, String fileName, long size)
      throws IOException {
    Path digestDirectory = directory.resolve(sha256);
    Path target = digestDirectory.resolve(fileName);
    synchronized (stripe(sha256)) {
      Files.createDirectories(digestDirectory);
      if (Files.isRegularFile(target) && Files.size(target) == size) {
        log.debug("Package {}/{} already stored; reusing it", sha256, fileName);
        return new StoredPackage(
            sha256, fileName, size, target, Files.getLastModifiedTime(target).toInstant());
      }
      try {
        // Same directory, so a rename: atomic, and replaces a file another process published
        // meanwhile
        // (same digest, same bytes) on POSIX file systems.
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        // File systems that refuse to replace: the other writer's file has the same bytes.
        log.debug("Package {}/{} appeared concurrently; reusing it", sha256, fileName);
      }
    }
    log.info("Stored package {}/{} ({} bytes)", sha256, fileName, size);
    return new StoredPackage(
        sha256, fileName, size, target, Files.getLastModifiedTime(target).toInstant());
  }

  /**
   * The stored file {@code <sha256>/<fileName>}, if present. Invalid digests or names yield empty
   * without touching the file system.
   */
  @Override
  public Optional<StoredPackage> find(String sha256, String fileName) {
    if (!PackageStore.isSha256(sha256) || !PackageStore.isPlainFileName(fileName)) {
      return Optional.empty();
    }
    Path path = directory.resolve(sha256).resolve(fileName);
    try {
      if (!Files.isRegularFile(path)) {
        return Optional.empty();
      }
      return Optional.of(
          new StoredPackage(
              sha256,
              fileName,
              Files.size(path),
              path,
              Files.getLastModifiedTime(path).toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted between the check and the size
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Removes every file stored under {@code sha256} and its directory. Idempotent.
   *
   * @return true if something was removed; false if nothing was stored under it or the digest is
   *     invalid
   */
  @Override
  public boolean delete(String sha256) {
    if (!PackageStore.isSha256(sha256)) {
      return false;
    }
    Path digestDirectory = directory.resolve(sha256);
    synchronized (stripe(sha256)) {
      if (!Files.isDirectory(digestDirectory)) {
        return false;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(digestDirectory)) {
        for (Path file : files) {
          Files.deleteIfExists(file);
        }
        Files.deleteIfExists(digestDirectory);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "deleting " + digestDirectory + " failed: " + e.getMessage(), e);
      }
    }
    log.info("Deleted package {}", sha256);
    return true;
  }

  /**
   * Every stored file, sorted by digest then name. Reads the directory each call (cost grows with
   * the number of packages); a snapshot, not isolated from concurrent stores and deletes.
   */
  @Override
  public List<StoredPackage> list() {
    List<StoredPackage> result = new ArrayList<>();
    try (DirectoryStream<Path> digests = Files.newDirectoryStream(directory)) {
      for (Path digestDirectory : digests) {
        String sha256 = digestDirectory.getFileName().toString();
        if (!PackageStore.isSha256(sha256) || !Files.isDirectory(digestDirectory)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(digestDirectory)) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            if (PackageStore.isPlainFileName(name) && Files.isRegularFile(file)) {
              result.add(
                  new StoredPackage(
                      sha256,
                      name,
                      Files.size(file),
                      file,
                      Files.getLastModifiedTime(file).toInstant()));
            }
          }
        } catch (NoSuchFileException e) {
          // deleted while listing
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + directory + " failed: " + e.getMessage(), e);
    }
    result.sort(Comparator.comparing(StoredPackage::sha256).thenComparing(StoredPackage::fileName));
    return result;
  }

  /** Total size of all stored files in bytes (see {@link #list()} for cost). */
  public long totalBytes() {
    return list().stream().mapToLong(StoredPackage::size).sum();
  }

  /** Number of stored files (see {@link #list()} for cost). */
  public int count() {
    return list().size();
  }

  /** True when the directory exists and this process may write to it (for health checks). */
  public boolean writable() {
    return Files.isDirectory(directory) && Files.isWritable(directory);
  }

  /** Bytes still usable on the directory's file system, or -1 if that cannot be read. */
  @Override
  public long freeBytes() {
    try {
      return Files.getFileStore(directory).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return "FileSystemPackageStore[" + directory + "]";
  }

  private Object stripe(String sha256) {
    return stripes[Math.floorMod(sha256.hashCode(), stripes.length)];
  }

  @Override
  public int removeStaleTempFiles(Duration olderThan) {
    return removeStaleTempFiles(directory, olderThan);
  }

  /**
   * Removes {@code .incoming-*.tmp} files in {@code directory} last written before {@code
   * olderThan} ago.
   */
  static int removeStaleTempFiles(Path directory, Duration olderThan) {
    Instant staleBefore = Instant.now().minus(olderThan);
    int removed = 0;
    try (DirectoryStream<Path> temps =
        Files.newDirectoryStream(directory, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
      for (Path temp : temps) {
        try {
          if (Files.getLastModifiedTime(temp).toInstant().isBefore(staleBefore)) {
            log.info("Removing temp file {} left over from an interrupted upload", temp);
            deleteQuietly(temp);
            removed++;
          }
        } catch (NoSuchFileException e) {
          // finished meanwhile
        }
      }
    } catch (IOException e) {
      log.warn("Could not look for left-over temp files in {}: {}", directory, e.toString());
    }
    return removed;
  }

  static String describeSize(long bytes) {
    long megabytes = DataSize.ofBytes(bytes).toMegabytes();
    return megabytes > 0 ? megabytes + " MB (" + bytes + " bytes)" : bytes + " bytes";
  }

  static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("Could not delete temp file {}: {}", path, e.toString());
    }
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
