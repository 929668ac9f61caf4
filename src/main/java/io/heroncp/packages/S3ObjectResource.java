package io.heroncp.packages;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.springframework.core.io.AbstractResource;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One object of the bucket as a Spring resource, streamed from S3 when read. Its stream opens the
 * GET lazily: {@code skip(n)} before the first read becomes a ranged GET from byte {@code n}, so a
 * {@code Range} request downloads only what it serves. Closing an unfinished stream aborts the
 * download.
 */
final class S3ObjectResource extends AbstractResource {

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String fileName;
  private final long size;
  private final Instant storedAt;
  private final S3Failures failures;

  S3ObjectResource(
      S3Client s3,
      String bucket,
      String key,
      String fileName,
      long size,
      Instant storedAt,
      S3Failures failures) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.fileName = fileName;
    this.size = size;
    this.storedAt = storedAt;
    this.failures = failures;
  }

  @Override
  public String getDescription() {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public String getFilename() {
    return fileName;
  }

  @Override
  public boolean exists() {
    return true;
  }

  @Override
  public long contentLength() {
    return size;
  }

  @Override
  public long lastModified() {
    return storedAt == null ? 0 : storedAt.toEpochMilli();
  }

  @Override
  public InputStream getInputStream() {
    return new LazyObjectStream();
  }

  /** Opens the object's GET on first read, from the offset skipped to. */
  private final class LazyObjectStream extends InputStream {
    private long offset;
    private ResponseInputStream<GetObjectResponse> open;
    private boolean finished;

    private InputStream stream() throws IOException {
      if (open == null) {
        try {
          open =
              s3.getObject(
                  b -> {
                    b.bucket(bucket).key(key);
                    if (offset > 0) {
                      b.range("bytes=" + offset + "-");
                    }
                  });
        } catch (SdkException e) {
          throw new IOException(failures.translate("download " + key, e).getMessage(), e);
        }
      }
      return open;
    }

    @Override
    public long skip(long n) throws IOException {
      if (open != null) {
        return open.skip(n);
      }
      long skipped = Math.max(0, Math.min(n, size - offset));
      offset += skipped;
      return skipped;
    }

    @Override
    public int read() throws IOException {
      if (offset >= size && open == null) {
        return -1;
      }
      int b = stream().read();
      finished = b < 0;
      return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
      if (offset >= size && open == null) {
        return -1;
      }
      int n = stream().read(buffer, off, len);
      finished = n < 0;
      return n;
    }

    @Override
    public void close() throws IOException {
      if (open != null) {
        if (!finished) {
          open.abort(); // do not download the rest only to discard it
        }
        open.close();
      }
    }
  }
}
