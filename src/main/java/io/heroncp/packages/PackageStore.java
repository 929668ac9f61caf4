package io.heroncp.packages;

import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.PayloadTooLargeException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
public final class PackageStore {

  private static final Logger log = LoggerFactory.getLogger(PackageStore.class);

  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
  private static final Pattern FILE_NAME = Pattern.compile("^[A-Za-z0-9._-]+$");
  private static final String TEMP_PREFIX = ".incoming-";
  private static final String TEMP_SUFFIX = ".tmp";

  /**
   * Temp files older than this are left over from a crash (no upload takes this long) and are
   * removed.
   */
  private static final Duration STALE_TEMP_AGE = Duration.ofHours(6);

  private static final int BUFFER_SIZE = 64 * 1024;

  private final Path directory;

  /** Lock stripes serializing publish and delete per digest. */
  private final Object[] stripes = new Object[64];

  /**
   * Opens (creating if needed) the store in {@code directory} and removes temp files left over from
   * a crash.
   *
   * @throws UncheckedIOException if the directory cannot be created
   */
  public PackageStore(Path directory) {
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
    removeStaleTempFiles();
  }

  /** The absolute store directory. */
  public Path directory() {
    return directory;
  }

  /** True when {@code sha256} is a lowercase hex SHA-256 digest, the only form this store uses. */
  public static boolean isSha256(String sha256) {
    return sha256 != null && SHA256.matcher(sha256).matches();
  }

  /**
   * True when {@code fileName} is a plain file name: {@code ^[A-Za-z0-9._-]+$}, not {@code .} or
   * {@code ..}.
   */
  public static boolean isPlainFileName(String fileName) {
    return fileName != null
        && fileName.length() <= 255
        && FILE_NAME.matcher(fileName).matches()
        && !fileName.equals(".")
        && !fileName.equals("..");
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
  public StoredPackage store(InputStream in, String fileName, long maxBytes) {
    Objects.requireNonNull(in, "in");
    return write(
        fileName,
        out -> {
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
        });
  }

  /**
   * Stores whatever {@code writer} writes under {@code fileName}, hashing while writing. Same
   * guarantees as {@link #store(InputStream, String, long)}; used to store generated files (the
   * topology package) without a second copy. An exception thrown by {@code writer} propagates
   * (IOExceptions wrapped) and leaves nothing on disk.
   */
  public StoredPackage write(String fileName, ContentWriter writer) {
    if (!isPlainFileName(fileName)) {
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
        return new StoredPackage(sha256, fileName, size, target);
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
    return new StoredPackage(sha256, fileName, size, target);
  }

  /**
   * The stored file {@code <sha256>/<fileName>}, if present. Invalid digests or names yield empty
   * without touching the file system.
   */
  public Optional<StoredPackage> find(String sha256, String fileName) {
    if (!isSha256(sha256) || !isPlainFileName(fileName)) {
      return Optional.empty();
    }
    Path path = directory.resolve(sha256).resolve(fileName);
    try {
      if (!Files.isRegularFile(path)) {
        return Optional.empty();
      }
      return Optional.of(new StoredPackage(sha256, fileName, Files.size(path), path));
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
  public boolean delete(String sha256) {
    if (!isSha256(sha256)) {
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
  public List<StoredPackage> list() {
    List<StoredPackage> result = new ArrayList<>();
    try (DirectoryStream<Path> digests = Files.newDirectoryStream(directory)) {
      for (Path digestDirectory : digests) {
        String sha256 = digestDirectory.getFileName().toString();
        if (!isSha256(sha256) || !Files.isDirectory(digestDirectory)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(digestDirectory)) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            if (isPlainFileName(name) && Files.isRegularFile(file)) {
              result.add(new StoredPackage(sha256, name, Files.size(file), file));
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
  public long freeBytes() {
    try {
      return Files.getFileStore(directory).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return "PackageStore[" + directory + "]";
  }

  /** Writes a file's content to the store's stream; see {@link #write(String, ContentWriter)}. */
  @FunctionalInterface
  public interface ContentWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  private Object stripe(String sha256) {
    return stripes[Math.floorMod(sha256.hashCode(), stripes.length)];
  }

  private void removeStaleTempFiles() {
    Instant staleBefore = Instant.now().minus(STALE_TEMP_AGE);
    try (DirectoryStream<Path> temps =
        Files.newDirectoryStream(directory, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp).toInstant().isBefore(staleBefore)) {
          log.info("Removing temp file {} left over from an interrupted upload", temp);
          deleteQuietly(temp);
        }
      }
    } catch (IOException e) {
      log.warn("Could not look for left-over temp files in {}: {}", directory, e.toString());
    }
  }

  private static String describeSize(long bytes) {
    long megabytes = DataSize.ofBytes(bytes).toMegabytes();
    return megabytes > 0 ? megabytes + " MB (" + bytes + " bytes)" : bytes + " bytes";
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("Could not delete temp file {}: {}", path, e.toString());
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  /** Counts and hashes bytes on their way to the file. */
  private static final class HashingOutputStream extends FilterOutputStream {
    private final MessageDigest digest;
    private long count;

    HashingOutputStream(OutputStream out, MessageDigest digest) {
      super(out);
      this.digest = digest;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }

    /**
     * Flushes only: the file's channel is closed by its owner, even if a writer closes this stream
     * early.
     */
    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
