package io.heroncp.packages;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes reproducible {@code .tar.gz} archives: entries in name order, a fixed mtime (1980-01-01,
 * as reproducible builds use), owner 0 without names, modes 0644/0755, and a gzip header without
 * time or name, so identical entries give byte-identical archives. Stateless and thread-safe.
 */
public final class TarGz {

  private static final FileTime ENTRY_TIME = FileTime.from(Instant.parse("1980-01-01T00:00:00Z"));
  private static final int FILE_MODE = 0100644;
  private static final int DIRECTORY_MODE = 040755;

  private TarGz() {}

  /**
   * Writes {@code entries} (name → content; a directory's name ends in {@code /} and its content is
   * {@link Source#DIRECTORY}) to {@code out} and finishes the gzip stream without closing {@code
   * out}.
   */
  public static void write(SortedMap<String, Source> entries, OutputStream out) throws IOException {
    GzipParameters gzip = new GzipParameters();
    gzip.setModificationTime(0);
    GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, gzip);
    TarArchiveOutputStream tar = new TarArchiveOutputStream(gz, StandardCharsets.UTF_8.name());
    for (Map.Entry<String, Source> entry : entries.entrySet()) {
      Source source = entry.getValue();
      TarArchiveEntry header = new TarArchiveEntry(entry.getKey());
      header.setModTime(ENTRY_TIME);
      header.setUserId(0);
      header.setGroupId(0);
      header.setUserName("");
      header.setGroupName("");
      if (source == Source.DIRECTORY) {
        header.setMode(DIRECTORY_MODE);
        tar.putArchiveEntry(header);
      } else {
        header.setMode(FILE_MODE);
        header.setSize(source.size());
        tar.putArchiveEntry(header);
        source.copyTo(tar);
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    gz.finish(); // not close(): the caller owns the stream
  }

  /** The content of one entry. */
  public sealed interface Source {
    /** A directory entry. */
    Source DIRECTORY = new Bytes(new byte[0]);

    long size() throws IOException;

    void copyTo(OutputStream out) throws IOException;

    byte[] bytes();

    /** Content held in memory. */
    record Bytes(byte[] content) implements Source {
      @Override
      public long size() {
        return content.length;
      }

      @Override
      public void copyTo(OutputStream out) throws IOException {
        out.write(content);
      }

      @Override
      public byte[] bytes() {
        return content;
      }
    }

    /** A file, streamed when written; it must not change meanwhile. */
    record File(Path path) implements Source {
      @Override
      public long size() throws IOException {
        return Files.size(path);
      }

      @Override
      public void copyTo(OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
          long copied = in.transferTo(out);
          if (copied != Files.size(path)) {
            throw new IOException(path + " changed while it was being packed");
          }
        }
      }

      @Override
      public byte[] bytes() {
        try {
          return Files.readAllBytes(path);
        } catch (IOException e) {
          throw new UncheckedIOException("reading " + path + " failed", e);
        }
      }
    }
  }
}
