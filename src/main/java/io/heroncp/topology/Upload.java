package io.heroncp.topology;

import java.io.IOException;
import java.io.InputStream;

/** An uploaded file: its name as sent and a way to read it once, streaming. */
public record Upload(String fileName, long size, Content content) {

  /** Opens the upload's bytes. */
  @FunctionalInterface
  public interface Content {
    InputStream open() throws IOException;
  }
}
