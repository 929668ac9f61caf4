package io.heroncp.zookeeper;

import io.heroncp.topology.TopologyKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Where the operation log lives under the service root (the layout is described on {@link
 * OperationStore}).
 */
final class OperationPaths {

  static final String HISTORY_PREFIX = "op-";

  final String operations;
  final String history;
  final String unfinished;
  final String idempotency;
  final String quarantine;

  OperationPaths(String root) {
    this.operations = root + "/operations";
    this.history = root + "/history";
    this.unfinished = root + "/unfinished";
    this.idempotency = root + "/idempotency";
    this.quarantine = root + "/quarantine";
  }

  String operation(String id) {
    return operations + "/" + id;
  }

  String unfinishedMarker(String id) {
    return unfinished + "/" + id;
  }

  String historyDir(TopologyKey key) {
    return historyDir(key.cluster(), key.name());
  }

  String historyDir(String cluster, String name) {
    return history + "/" + cluster + "/" + name;
  }

  /**
   * The entry of a client's key for one request scope: a digest, so any key and path make a valid
   * node name.
   */
  String idempotencyEntry(String key, String scope) {
    Objects.requireNonNull(key, "idempotencyKey");
    Objects.requireNonNull(scope, "scope");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((key + "\n" + scope).getBytes(StandardCharsets.UTF_8));
      return idempotency + "/" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The history entries under {@code dir}, oldest first (by ZooKeeper's sequence number); none when
   * it is absent.
   */
  static List<String> historyEntries(CuratorFramework client, String dir) throws Exception {
    List<String> entries = new ArrayList<>(children(client, dir));
    entries.removeIf(child -> !child.startsWith(HISTORY_PREFIX));
    entries.sort(Comparator.comparingLong(OperationPaths::sequence));
    return entries;
  }

  static List<String> children(CuratorFramework client, String path) throws Exception {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  /**
   * Deletes {@code path} at {@code version}; false when another replica removed or replaced it
   * first.
   */
  static boolean deleteQuietly(CuratorFramework client, String path, int version) throws Exception {
    try {
      client.delete().withVersion(version).forPath(path);
      return true;
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException raced) {
      return false;
    }
  }

  private static long sequence(String child) {
    try {
      return Long.parseLong(child.substring(HISTORY_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
