package io.heroncp.packages;

import io.heroncp.problems.InvalidFieldException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A content-addressed package store in an S3-compatible bucket: every file is the object {@code
 * <prefix><sha256>/<fileName>}, with the digest also in its user metadata ({@code
 * x-amz-meta-sha256}). Any number of replicas share the bucket; each needs only a local directory
 * for upload temp files.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Streaming, bounded memory: a file is first written to a temp file in the local directory
 *       while it is hashed, then sent from that file, as one PUT up to {@code partSize} and as a
 *       multipart upload of {@code partSize} parts above; no more than one I/O buffer per part is
 *       held in memory.
 *   <li>Verified: every PUT and part carries its {@code Content-MD5}, so the store refuses bytes
 *       damaged on the way; an object is found ({@link #find}) only when its size and recorded
 *       digest match its key, otherwise the call fails with a clear error instead of serving other
 *       bytes.
 *   <li>Atomic publication: S3 makes an object visible only once its PUT or multipart upload
 *       completes; an interrupted multipart upload is aborted (or swept by {@link
 *       #removeStaleTempFiles}).
 *   <li>Idempotent: content already stored under the same key is not sent again.
 *   <li>Failures of the object store answer {@link io.heroncp.problems.DependencyFailedException}
 *       (502: missing bucket, refused credentials, digest mismatch) or {@link
 *       io.heroncp.problems.DependencyUnavailableException} (503: not reachable), naming the bucket
 *       and the setting to check.
 * </ul>
 *
 * Thread-safe (the SDK client is).
 */
public final class S3PackageStore implements PackageStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(S3PackageStore.class);

  /** The user-metadata key holding the digest ({@code x-amz-meta-sha256}). */
  static final String DIGEST_METADATA = "sha256";

  private static final String PROBE_PREFIX = ".heroncp-probe-";

  /** S3's smallest part size (except the last). */
  static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  private final S3Client s3;
  private final S3Presigner presigner;
  private final Duration presignedUrlExpiry;
  private final String bucket;
  private final String prefix;
  private final Path spoolDirectory;
  private final long partSize;
  private final S3Failures failures;

  /**
   * @param s3 the client (region, endpoint and credentials already set)
   * @param presigner when not null, {@link #directUri} answers presigned GET URLs valid for {@code
   *     presignedUrlExpiry}
   * @param bucket the bucket; it must exist
   * @param prefix prepended to every key ("" for none)
   * @param spoolDirectory a local directory for upload temp files (created if needed)
   * @param partSize uploads above this size are multipart uploads of parts this size (at least 5
   *     MB)
   */
  public S3PackageStore(
      S3Client s3,
      S3Presigner presigner,
      Duration presignedUrlExpiry,
      String bucket,
      String prefix,
      Path spoolDirectory,
      long partSize) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.presigner = presigner;
    this.presignedUrlExpiry = presignedUrlExpiry;
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException(
          "heroncp.packages.store=s3 needs heroncp.packages.s3.bucket; set it to an existing bucket");
    }
    if (presignedUrlExpiry != null
        && (presignedUrlExpiry.compareTo(Duration.ofDays(7)) > 0
            || presignedUrlExpiry.isNegative()
            || presignedUrlExpiry.isZero())) {
      throw new IllegalArgumentException(
          "heroncp.packages.s3.presigned-url-expiry must be between 1s and 7d (SigV4's limit), not "
              + presignedUrlExpiry);
    }
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException(
          "heroncp.packages.s3.part-size must be at least 5MB (S3's minimum part size)");
    }
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
    this.spoolDirectory = spoolDirectory.toAbsolutePath().normalize();
    this.partSize = partSize;
    this.failures = new S3Failures(bucket);
    try {
      Files.createDirectories(this.spoolDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the package temp directory " + this.spoolDirectory, e);
    }
  }

  @Override
  public String location() {
    return "s3://" + bucket + "/" + prefix;
  }

  private String key(String sha256, String fileName) {
    return prefix + sha256 + "/" + fileName;
  }

  @Override
  public StoredPackage store(InputStream in, String fileName, long maxBytes) {
    Objects.requireNonNull(in, "in");
    return write(fileName, FileSystemPackageStore.limitedCopy(in, maxBytes));
  }

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
      temp =
          Files.createTempFile(
              spoolDirectory,
              FileSystemPackageStore.TEMP_PREFIX,
              FileSystemPackageStore.TEMP_SUFFIX);
      MessageDigest digest = FileSystemPackageStore.sha256Digest();
      long size;
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          HashingOutputStream out =
              new HashingOutputStream(Channels.newOutputStream(channel), digest)) {
        writer.writeTo(out);
        out.flush();
        size = out.count;
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      String key = key(sha256, fileName);
      Optional<StoredPackage> existing = find(sha256, fileName, false);
      if (existing.isPresent() && existing.get().size() == size) {
        log.debug("Package {} already in the bucket; reusing it", key);
        return existing.get();
      }
      upload(temp, key, sha256, size);
      log.info("Stored package {} in bucket {} ({} bytes)", key, bucket, size);
      return new StoredPackage(sha256, fileName, size, null, Instant.now());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "storing " + fileName + " in " + location() + " failed: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        FileSystemPackageStore.deleteQuietly(temp);
      }
    }
  }

  private void upload(Path file, String key, String sha256, long size) throws IOException {
    Map<String, String> metadata = Map.of(DIGEST_METADATA, sha256);
    String contentType = PackageController.mediaTypeOf(key).toString();
    if (size <= partSize) {
      String md5 = md5(file, 0, size);
      call(
          "upload " + key,
          () ->
              s3.putObject(
                  b ->
                      b.bucket(bucket)
                          .key(key)
                          .contentLength(size)
                          .contentMD5(md5)
                          .contentType(contentType)
                          .metadata(metadata),
                  RequestBody.fromContentProvider(() -> region(file, 0, size), size, contentType)));
      return;
    }
    String uploadId =
        call(
                "start a multipart upload of " + key,
                () ->
                    s3.createMultipartUpload(
                        b -> b.bucket(bucket).key(key).contentType(contentType).metadata(metadata)))
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long offset = 0; offset < size; offset += partSize, number++) {
        long start = offset;
        long length = Math.min(partSize, size - offset);
        int partNumber = number;
        String md5 = md5(file, start, length);
        String eTag =
            call(
                    "upload part " + partNumber + " of " + key,
                    () ->
                        s3.uploadPart(
                            b ->
                                b.bucket(bucket)
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(partNumber)
                                    .contentLength(length)
                                    .contentMD5(md5),
                            RequestBody.fromContentProvider(
                                () -> region(file, start, length),
                                length,
                                "application/octet-stream")))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
      }
      call(
          "complete the multipart upload of " + key,
          () ->
              s3.completeMultipartUpload(
                  b ->
                      b.bucket(bucket)
                          .key(key)
                          .uploadId(uploadId)
                          .multipartUpload(m -> m.parts(parts))));
    } catch (RuntimeException | IOException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    }
  }

  /** A stream of {@code length} bytes of {@code file} from {@code offset}, for one request body. */
  private static InputStream region(Path file, long offset, long length) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      channel.position(offset);
      return new BoundedInputStream(Channels.newInputStream(channel), length);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the upload temp file " + file + " failed", e);
    }
  }

  /** The base64 MD5 of a region of a file ({@code Content-MD5}), read in a streaming pass. */
  private static String md5(Path file, long offset, long length) throws IOException {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides MD5", e);
    }
    try (InputStream in = region(file, offset, length)) {
      byte[] buffer = new byte[FileSystemPackageStore.BUFFER_SIZE];
      int n;
      while ((n = in.read(buffer)) != -1) {
        md5.update(buffer, 0, n);
      }
    }
    return Base64.getEncoder().encodeToString(md5.digest());
  }

  @Override
  public Optional<StoredPackage> find(String sha256, String fileName) {
    return find(sha256, fileName, true);
  }

  /**
   * @param strict whether an object whose recorded digest differs from its key is an error (when
   *     serving) or is simply not reused (when storing: the upload replaces it)
   */
  private Optional<StoredPackage> find(String sha256, String fileName, boolean strict) {
    if (!PackageStore.isSha256(sha256) || !PackageStore.isPlainFileName(fileName)) {
      return Optional.empty();
    }
    String key = key(sha256, fileName);
    HeadObjectResponse head;
    try {
      head = s3.headObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !S3Failures.isMissingBucket(e)) {
        return Optional.empty();
      }
      throw failures.translate("read " + key, e);
    } catch (SdkException e) {
      throw failures.translate("read " + key, e);
    }
    String recorded = head.metadata().get(DIGEST_METADATA);
    if (!sha256.equals(recorded)) {
      if (!strict) {
        return Optional.empty();
      }
      throw failures.digestMismatch(key, recorded);
    }
    return Optional.of(
        new StoredPackage(sha256, fileName, head.contentLength(), null, head.lastModified()));
  }

  @Override
  public Resource content(StoredPackage stored) {
    return new S3ObjectResource(
        s3,
        bucket,
        key(stored.sha256(), stored.fileName()),
        stored.fileName(),
        stored.size(),
        stored.storedAt(),
        failures);
  }

  @Override
  public boolean delete(String sha256) {
    if (!PackageStore.isSha256(sha256)) {
      return false;
    }
    String directory = prefix + sha256 + "/";
    List<String> keys =
        call(
                "list " + directory,
                () -> s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(directory)).contents())
            .stream()
            .map(S3Object::key)
            .toList();
    for (String key : keys) {
      call("delete " + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }
    if (!keys.isEmpty()) {
      log.info("Deleted package {} from bucket {}", sha256, bucket);
    }
    return !keys.isEmpty();
  }

  @Override
  public List<StoredPackage> list() {
    List<StoredPackage> result = new ArrayList<>();
    call(
            "list " + location(),
            () -> s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents())
        .forEach(
            object -> {
              String relative = object.key().substring(prefix.length());
              int slash = relative.indexOf('/');
              if (slash < 0) {
                return;
              }
              String sha256 = relative.substring(0, slash);
              String fileName = relative.substring(slash + 1);
              if (PackageStore.isSha256(sha256) && PackageStore.isPlainFileName(fileName)) {
                result.add(
                    new StoredPackage(
                        sha256, fileName, object.size(), null, object.lastModified()));
              }
            });
    result.sort(Comparator.comparing(StoredPackage::sha256).thenComparing(StoredPackage::fileName));
    return result;
  }

  @Override
  public int removeStaleTempFiles(Duration olderThan) {
    int removed = FileSystemPackageStore.removeStaleTempFiles(spoolDirectory, olderThan);
    Instant staleBefore = Instant.now().minus(olderThan);
    List<MultipartUpload> uploads;
    try {
      uploads =
          s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads().stream()
              .toList();
    } catch (SdkException e) {
      // Some S3-compatible stores do not list uploads; their own lifecycle rules then apply.
      log.debug("Could not list unfinished multipart uploads in {}: {}", location(), e.toString());
      return removed;
    }
    for (MultipartUpload upload : uploads) {
      if (upload.initiated() != null && upload.initiated().isBefore(staleBefore)) {
        try {
          s3.abortMultipartUpload(
              b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
          log.info("Aborted the unfinished multipart upload of {} left by a crash", upload.key());
          removed++;
        } catch (SdkException e) {
          log.warn("Could not abort the multipart upload of {}: {}", upload.key(), e.toString());
        }
      }
    }
    return removed;
  }

  @Override
  public Optional<URI> directUri(StoredPackage stored) {
    if (presigner == null) {
      return Optional.empty();
    }
    String key = key(stored.sha256(), stored.fileName());
    try {
      return Optional.of(
          presigner
              .presignGetObject(
                  b ->
                      b.signatureDuration(presignedUrlExpiry)
                          .getObjectRequest(g -> g.bucket(bucket).key(key)))
              .url()
              .toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("the SDK presigned an invalid URL for " + key, e);
    }
  }

  @Override
  public long freeBytes() {
    return -1;
  }

  @Override
  public Probe probe() {
    String key = prefix + PROBE_PREFIX + UUID.randomUUID();
    try {
      s3.headBucket(b -> b.bucket(bucket));
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(new byte[] {1}));
      byte[] read = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
      s3.deleteObject(b -> b.bucket(bucket).key(key));
      if (read.length != 1 || read[0] != 1) {
        return new Probe(false, "read back other bytes than written to " + key);
      }
      return new Probe(true, "wrote, read and deleted " + key + " in bucket " + bucket);
    } catch (SdkException e) {
      return new Probe(false, failures.translate("write a probe object", e).getMessage());
    }
  }

  /** Runs one SDK call, translating its failures into the service's problems. */
  private <T> T call(String action, SdkCall<T> call) {
    try {
      return call.run();
    } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
      // A store refusing a request mid-body (e.g. a missing bucket) may only close the connection:
      // ask the bucket why before calling the store unreachable.
      try {
        s3.headBucket(b -> b.bucket(bucket));
      } catch (S3Exception diagnosis) {
        if (diagnosis.statusCode() == 404 || diagnosis.statusCode() == 403) {
          diagnosis.addSuppressed(e);
          throw failures.translate(action, diagnosis);
        }
      } catch (SdkException unreachable) {
        // the store is unreachable indeed
      }
      throw failures.translate(action, e);
    } catch (SdkException e) {
      throw failures.translate(action, e);
    }
  }

  @FunctionalInterface
  private interface SdkCall<T> {
    T run();
  }

  /** Closes the SDK clients. */
  @Override
  public void close() {
    s3.close();
    if (presigner != null) {
      presigner.close();
    }
  }

  @Override
  public String toString() {
    return "S3PackageStore[" + location() + "]";
  }
}
