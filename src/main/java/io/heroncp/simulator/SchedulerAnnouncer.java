package io.heroncp.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the simulator as the leading Aurora scheduler in ZooKeeper, the way Aurora does
 * (aurora-api.md §1.3): it takes part in a Curator {@link LeaderSelector} on the serverset path
 * (whose lock children, {@code _c_<uuid>-lock-<seq>}, sit beside the member node, so readers must
 * filter by {@code member_}), and while leading keeps an EPHEMERAL_SEQUENTIAL node {@code
 * <path>/member_<10-digit seq>} whose data is {@code
 * {"serviceEndpoint":{"host":H,"port":P},"additionalEndpoints":{"http":{"host":H,"port":P}},"status":"ALIVE"}}.
 * The member node is a Curator {@link PersistentNode}, so it is re-created after a session loss.
 *
 * <p>{@link #start()} does not wait for leadership; {@link #memberPath()} tells when the node
 * exists. {@link #close()} removes the node and leaves the election. Thread-safe.
 */
public final class SchedulerAnnouncer implements AutoCloseable {

  /** Aurora's default {@code -serverset_endpoint_name}. */
  public static final String ENDPOINT_NAME = "http";

  /** The prefix of member nodes, which readers filter by. */
  public static final String MEMBER_PREFIX = "member_";

  private static final Logger log = LoggerFactory.getLogger(SchedulerAnnouncer.class);

  private final CuratorFramework curator;
  private final String serversetPath;
  private final String host;
  private final int port;
  private final LeaderSelector selector;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile PersistentNode member;

  /**
   * @param curator a started client; the announcer does not close it
   * @param serversetPath Aurora's {@code -serverset_path}, e.g. {@code /aurora/scheduler}
   * @param host the advertised host
   * @param port the advertised HTTP port
   */
  public SchedulerAnnouncer(CuratorFramework curator, String serversetPath, String host, int port) {
    this.curator = curator;
    this.serversetPath = serversetPath;
    this.host = host;
    this.port = port;
    this.selector =
        new LeaderSelector(
            curator,
            serversetPath,
            new LeaderSelectorListenerAdapter() {
              @Override
              public void takeLeadership(CuratorFramework client) throws Exception {
                lead();
              }
            });
    // Aurora's lock nodes carry the host name, not JSON.
    selector.setId(host);
    selector.autoRequeue();
  }

  /** The member node data, byte for byte as Aurora's Gson writes it. */
  public static String memberData(String host, int port) {
    String endpoint = "{\"host\":\"" + jsonEscape(host) + "\",\"port\":" + port + "}";
    return "{\"serviceEndpoint\":"
        + endpoint
        + ",\"additionalEndpoints\":{\""
        + ENDPOINT_NAME
        + "\":"
        + endpoint
        + "},\"status\":\"ALIVE\"}";
  }

  /** Joins the leader election; the member node appears once this instance leads. */
  public void start() {
    selector.start();
  }

  /** The full path of the member node while it exists. */
  public Optional<String> memberPath() {
    PersistentNode node = member;
    return node == null ? Optional.empty() : Optional.ofNullable(node.getActualPath());
  }

  /** Removes the member node and leaves the election. Idempotent; the Curator client stays open. */
  @Override
  public void close() {
    closed.countDown();
    try {
      selector.close();
    } catch (IllegalStateException alreadyClosed) {
      // close() twice, or before start(): nothing to leave.
    }
    closeMember();
  }

  private void lead() throws Exception {
    PersistentNode node =
        new PersistentNode(
            curator,
            CreateMode.EPHEMERAL_SEQUENTIAL,
            false,
            serversetPath + "/" + MEMBER_PREFIX,
            memberData(host, port).getBytes(StandardCharsets.UTF_8));
    member = node;
    node.start();
    try {
      log.info("Aurora simulator leads {}: announcing {}:{}", serversetPath, host, port);
      closed.await();
    } finally {
      closeMember();
    }
  }

  private synchronized void closeMember() {
    PersistentNode node = member;
    member = null;
    if (node != null) {
      try {
        node.close();
        log.info("Aurora simulator no longer announced under {}", serversetPath);
      } catch (Exception e) {
        // An ephemeral node goes with the session anyway.
        log.warn("Could not remove the member node under {}: {}", serversetPath, e.toString());
      }
    }
  }

  private static String jsonEscape(String value) {
    StringBuilder escaped = new StringBuilder();
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> escaped.append("\\\"");
        case '\\' -> escaped.append("\\\\");
        default -> {
          if (c < 0x20) {
            escaped.append(String.format("\\u%04x", (int) c));
          } else {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }
}
