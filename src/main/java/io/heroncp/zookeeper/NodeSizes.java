package io.heroncp.zookeeper;

import io.heroncp.problems.PayloadTooLargeException;

/**
 * ZooKeeper refuses (and drops the connection for) a node larger than {@code jute.maxbuffer} (1 MiB
 * by default, the same system property on client and server): every write is checked against it
 * first and refused as 413 naming the request field that made it large, with nothing written.
 */
final class NodeSizes {

  /** Room for the path and the request's own framing within the buffer. */
  private static final int FRAMING = 16 * 1024;

  private NodeSizes() {}

  /** The largest node data this client may write. */
  static int limit() {
    return Integer.getInteger("jute.maxbuffer", 0xfffff) - FRAMING;
  }

  /**
   * @param data what is about to be written
   * @param what the node, in words
   * @param field the request field that made it large
   */
  static byte[] check(byte[] data, String what, String field) {
    if (data != null && data.length > limit()) {
      throw new PayloadTooLargeException(
          what
              + " would be "
              + data.length
              + " bytes, more than a ZooKeeper node holds ("
              + limit()
              + " bytes within jute.maxbuffer); make "
              + field
              + " smaller",
          field);
    }
    return data;
  }
}
