package io.heroncp.zookeeper;

import io.heroncp.topology.IdempotencyKeyUsedException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which operation owns a client's {@code Idempotency-Key} for a request scope, and for how long: an
 * entry answers for the TTL from its creation (ZooKeeper's creation time against this replica's
 * clock, so clock skew shifts the expiry by as much). The entry itself is created in {@link
 * OperationStore#begin}'s transaction.
 */
final class IdempotencyIndex {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyIndex.class);

  private final CuratorFramework client;
  private final OperationPaths paths;
  private final Clock clock;
  private final Duration ttl;

  IdempotencyIndex(CuratorFramework client, OperationPaths paths, Clock clock, Duration ttl) {
    this.client = client;
    this.paths = paths;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * The id of the operation owning {@code key} for {@code scope}, unless the entry is absent or
   * expired.
   */
  Optional<String> owner(String key, String scope) throws Exception {
    try {
      Stat stat = new Stat();
      byte[] data =
          client.getData().storingStatIn(stat).forPath(paths.idempotencyEntry(key, scope));
      return expired(stat)
          ? Optional.empty()
          : Optional.of(new String(data, StandardCharsets.UTF_8));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  /**
   * A begin found the entry of {@code key} taken: throws {@link IdempotencyKeyUsedException} naming
   * the owner while the entry is live; removes it when it expired without being cleaned up yet, so
   * the begin can retry.
   */
  void releaseExpiredOrRefuse(String key, String scope, KeeperException.NodeExistsException taken)
      throws Exception {
    String entry = paths.idempotencyEntry(key, scope);
    Stat stat = new Stat();
    String owner;
    try {
      owner =
          new String(client.getData().storingStatIn(stat).forPath(entry), StandardCharsets.UTF_8);
    } catch (KeeperException.NoNodeException vanished) {
      return; // expired and removed meanwhile
    }
    if (!expired(stat)) {
      throw new IdempotencyKeyUsedException(
          "Idempotency-Key '"
              + key
              + "' was already used for "
              + scope.replace('\n', ' ')
              + " by operation "
              + owner
              + "; send a new key for a new request",
          owner,
          taken);
    }
    OperationPaths.deleteQuietly(client, entry, stat.getVersion());
  }

  /**
   * Removes every expired entry; the operations themselves are kept. Safe on several replicas at
   * once (each delete is conditional on the version read).
   *
   * @return how many entries this call removed
   */
  int removeExpired() throws Exception {
    List<String> children = OperationPaths.children(client, paths.idempotency);
    int removed = 0;
    for (String child : children) {
      String path = paths.idempotency + "/" + child;
      Stat stat = client.checkExists().forPath(path);
      if (stat != null
          && expired(stat)
          && OperationPaths.deleteQuietly(client, path, stat.getVersion())) {
        removed++;
      }
    }
    if (removed > 0) {
      log.info("Removed {} idempotency entries older than {}", removed, ttl);
    }
    return removed;
  }

  /**
   * Whether an operation that ended at {@code endedAt} may still be asked for by a retry with its
   * key.
   */
  boolean retryMayStillAsk(java.time.Instant endedAt) {
    return endedAt.plus(ttl).isAfter(clock.instant());
  }

  private boolean expired(Stat stat) {
    return stat.getCtime() + ttl.toMillis() <= clock.millis();
  }
}
