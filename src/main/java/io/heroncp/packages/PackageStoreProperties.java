package io.heroncp.packages;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The content-addressed package store ({@code heroncp.packages.*}).
 *
 * @param store where packages are kept: {@code filesystem} (in {@code directory}) or {@code s3} (in
 *     the bucket {@code s3.bucket}; {@code directory} then only holds upload temp files)
 * @param directory the file-system store, as {@code <directory>/<sha256>/<file>}; must be shared or
 *     replicated when the service runs as several replicas behind one URL. With {@code store: s3},
 *     a local directory for upload temp files only
 * @param maxUploadSize the largest topology file accepted; larger uploads answer 413
 * @param publicBaseUrl the URL of this service as Aurora's agents reach it; package URIs handed to
 *     Aurora are {@code <publicBaseUrl>/api/v1/packages/<sha256>/<file>}. Empty: derived from the
 *     server port on 127.0.0.1
 * @param orphanGracePeriod how old a package no record references must be before the leader's sweep
 *     removes it (a submit stores its package before it writes its record)
 * @param incomingTtl how old an upload temp file (or unfinished multipart upload) must be before
 *     the sweep removes it as left over from a crash
 * @param sweepInterval how often the leader sweeps
 * @param s3 the S3-compatible bucket, used when {@code store: s3}
 */
@Validated
@ConfigurationProperties("heroncp.packages")
public record PackageStoreProperties(
    @NotNull @DefaultValue("filesystem") Store store,
    @NotNull @DefaultValue("./data/packages") Path directory,
    @NotNull @DefaultValue("256MB") DataSize maxUploadSize,
    URI publicBaseUrl,
    @NotNull @DefaultValue("1h") Duration orphanGracePeriod,
    @NotNull @DefaultValue("6h") Duration incomingTtl,
    @NotNull @DefaultValue("10m") Duration sweepInterval,
    @Valid @NotNull @DefaultValue S3 s3) {

  @ConstructorBinding
  public PackageStoreProperties {}

  /** A file-system store with the default sweep settings. */
  public PackageStoreProperties(Path directory, DataSize maxUploadSize, URI publicBaseUrl) {
    this(
        Store.FILESYSTEM,
        directory,
        maxUploadSize,
        publicBaseUrl,
        Duration.ofHours(1),
        Duration.ofHours(6),
        Duration.ofMinutes(10),
        S3.NONE);
  }

  /** The kinds of package store. */
  public enum Store {
    FILESYSTEM,
    S3
  }

  /**
   * An S3-compatible bucket ({@code heroncp.packages.s3.*}). Credentials come from the AWS SDK's
   * default chain only (environment variables {@code AWS_ACCESS_KEY_ID}/{@code
   * AWS_SECRET_ACCESS_KEY}, system properties, profiles, web identity (IRSA), container and
   * instance roles), never from this configuration.
   *
   * @param bucket the bucket; must exist
   * @param prefix a key prefix, e.g. {@code heroncp/}; objects are {@code <prefix><sha256>/<file>};
   *     empty = none
   * @param endpoint the S3 API endpoint of an S3-compatible store (MinIO, Ceph RGW, ...); empty =
   *     AWS S3
   * @param region the region; empty = the SDK's region chain ({@code AWS_REGION}, profile), or
   *     {@code us-east-1} with an endpoint
   * @param pathStyleAccess address the bucket as {@code <endpoint>/<bucket>} instead of {@code
   *     <bucket>.<endpoint>} (most S3-compatible stores need this)
   * @param presignedUrls hand Aurora presigned S3 URLs instead of this service's package URLs, so
   *     agents fetch from the bucket directly; they expire after {@code presignedUrlExpiry}, after
   *     which Aurora can no longer reschedule the topology's tasks (see the README)
   * @param presignedUrlExpiry how long a presigned URL stays valid; at most 7 days (SigV4)
   * @param partSize uploads larger than this are sent as multipart uploads of parts this size (at
   *     least 5MB, S3's minimum part size)
   */
  public record S3(
      String bucket,
      String prefix,
      URI endpoint,
      String region,
      @DefaultValue("false") boolean pathStyleAccess,
      @DefaultValue("false") boolean presignedUrls,
      @NotNull @DefaultValue("7d") Duration presignedUrlExpiry,
      @NotNull @DefaultValue("16MB") DataSize partSize) {

    static final S3 NONE =
        new S3(null, null, null, null, false, false, Duration.ofDays(7), DataSize.ofMegabytes(16));
  }
}
