package io.heroncp.support;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 protocol server in the JVM (s3proxy over jclouds' filesystem blob store in a directory
 * the test owns, e.g. a {@code @TempDir}), on a free port of 127.0.0.1, with AWS v2/v4 signatures
 * required. Close it after the test.
 */
public final class S3TestServer implements AutoCloseable {

  public static final String ACCESS_KEY = "heroncp-test-access";
  public static final String SECRET_KEY = "heroncp-test-secret-0123456789";

  private final S3Proxy proxy;
  private final BlobStoreContext context;

  /** Starts the server; blobs live under {@code directory} (one folder per bucket). */
  public S3TestServer(Path directory) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("unused", "unused")
            .overrides(properties)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    proxy.start();
    Awaitility.await().until(() -> "STARTED".equals(proxy.getState()));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** A client with the server's credentials (or others, for refusal tests). */
  public S3Client client(String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }

  public S3Client client() {
    return client(ACCESS_KEY, SECRET_KEY);
  }

  /** Creates a bucket. */
  public void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
