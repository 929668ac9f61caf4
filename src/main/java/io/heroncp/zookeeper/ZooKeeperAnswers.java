package io.heroncp.zookeeper;

import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;

/**
 * How large an answer from ZooKeeper a client of this service reads. Node data stays limited by the
 * ensemble's own {@code jute.maxbuffer}; what grows past ZooKeeper's client default of 1 MB is the
 * listing of a directory with many children (a day's idempotency entries, the simulator's journal
 * of 30,000 tasks), and a client that cannot read an answer drops its connection and asks again,
 * forever.
 */
public final class ZooKeeperAnswers {

  /** The largest answer read: 32 MB. */
  public static final int MAX_BYTES = 32 * 1024 * 1024;

  private ZooKeeperAnswers() {}

  /** Lets a client with this configuration read answers up to {@link #MAX_BYTES}. */
  public static ZKClientConfig allowLarge(ZKClientConfig config) {
    config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(MAX_BYTES));
    return config;
  }
}
