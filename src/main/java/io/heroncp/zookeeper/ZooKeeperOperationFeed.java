package io.heroncp.zookeeper;

import io.heroncp.topology.Operation;
import io.heroncp.topology.OperationFeed;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every operation's start and end, on every replica, from ZooKeeper: a persistent recursive watch
 * on {@code unfinished/}, whose marker {@code unfinished/<id>} the {@link OperationStore} creates
 * in the transaction that records an operation RUNNING and deletes in the one that records its
 * outcome. A created marker is a start, a deleted one an end; the operation itself is then read
 * from {@code operations/<id>} (kept long after it ended). Nothing is cached but the ids of the
 * operations running now.
 *
 * <p>Guarantees: ZooKeeper delivers a persistent watch's events in order and without re-arming gaps
 * while the session is connected; after a reconnection (when events may have been missed) the watch
 * is re-added and the markers listed again: operations that started meanwhile are reported started,
 * those that ended are reported ended. Events are handled on one thread, in order, never on
 * ZooKeeper's event thread.
 */
public class ZooKeeperOperationFeed implements OperationFeed, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperOperationFeed.class);

  /**
   * How many ended ids are remembered, so an end seen both as an event and by a resync counts once.
   */
  private static final int RECENTLY_ENDED = 1000;

  private final CuratorFramework client;
  private final OperationStore operations;
  private final String unfinished;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService events;
  private final PersistentWatcher watcher;

  // Only touched on the events thread.
  private final Set<String> running = new HashSet<>();
  private final LinkedHashSet<String> recentlyEnded = new LinkedHashSet<>();
  private boolean seeded;
  private final CountDownLatch watching = new CountDownLatch(1);

  public ZooKeeperOperationFeed(
      CuratorFramework client, ZooKeeperProperties properties, OperationStore operations) {
    this.client = client;
    this.operations = operations;
    this.unfinished = new OperationPaths(properties.root()).unfinished;
    this.events =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "operation-feed");
              thread.setDaemon(true);
              return thread;
            });
    this.watcher = new PersistentWatcher(client, unfinished, true);
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /**
   * Adds the watch; every (re)added watch is followed by a listing of the running operations. Waits
   * (up to 10 s, e.g. while ZooKeeper is unreachable) until the watch is in place, so that every
   * operation started afterwards is reported.
   */
  public void start() throws InterruptedException {
    watcher.getListenable().addListener(this::watched);
    watcher.getResetListenable().addListener(() -> submit(this::resync));
    watcher.start();
    if (!watching.await(10, TimeUnit.SECONDS)) {
      log.warn(
          "The watch on running operations is not in place yet; the event streams miss"
              + " operations until it is");
    }
  }

  @Override
  public void close() {
    watcher.close();
    events.shutdownNow();
  }

  private void watched(WatchedEvent event) {
    String path = event.getPath();
    if (path == null || !path.startsWith(unfinished + "/")) {
      return;
    }
    String id = path.substring(unfinished.length() + 1);
    if (event.getType() == Watcher.Event.EventType.NodeCreated) {
      submit(() -> started(id));
    } else if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
      submit(() -> ended(id));
    }
  }

  private void submit(Runnable task) {
    WatchTasks.submit(events, task, log, "Could not read an operation for the event streams");
  }

  private void started(String id) {
    if (!running.add(id)) {
      return;
    }
    // Read after the fact: a fast operation may have ended already; its start is still its start.
    operations
        .find(id)
        .ifPresent(
            op -> {
              Operation start =
                  new Operation(
                      op.id(),
                      op.verb(),
                      op.key(),
                      op.parameters(),
                      op.requester(),
                      op.startedAt(),
                      null,
                      Operation.Outcome.RUNNING,
                      null,
                      op.previousState(),
                      op.targetState(),
                      op.idempotencyKey(),
                      op.requestFingerprint(),
                      0);
              listeners.forEach(l -> l.started(start));
            });
  }

  private void ended(String id) {
    running.remove(id);
    if (!recentlyEnded.add(id)) {
      return;
    }
    if (recentlyEnded.size() > RECENTLY_ENDED) {
      recentlyEnded.remove(recentlyEnded.iterator().next());
    }
    Optional<Operation> operation = operations.find(id);
    operation.filter(Operation::ended).ifPresent(op -> listeners.forEach(l -> l.ended(op)));
  }

  /** After the watch was (re)added: what started or ended while no event could arrive. */
  private void resync() {
    List<String> now;
    try {
      now = OperationPaths.children(client, unfinished);
    } catch (Exception e) {
      log.warn("Could not list running operations for the event streams: {}", e.toString());
      return;
    }
    if (!seeded) {
      running.addAll(now); // started before this replica: not news
      seeded = true;
      watching.countDown();
      return;
    }
    for (String id : List.copyOf(running)) {
      if (!now.contains(id)) {
        ended(id);
      }
    }
    now.forEach(this::started);
  }
}
