package io.heroncp.packages;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Counts and hashes bytes on their way to a file. Not thread-safe. */
final class HashingOutputStream extends FilterOutputStream {
  private final MessageDigest digest;
  long count;

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
