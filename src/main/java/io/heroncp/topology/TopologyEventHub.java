package io.heroncp.topology;

import io.heroncp.problems.AtCapacityException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.NotFoundException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes of topologies as a stream of numbered events, for watchers ({@code GET .../events}).
 * Fed by the repository's record changes ({@code state}, {@code conditions}), the status watcher
 * ({@code tasks}) and the operation feed ({@code operation}), never by polling per subscriber.
 *
 * <p>Every event gets the id {@code <epoch>-<sequence>} and is kept in a ring of the newest {@code
 * heroncp.events.buffer-size}. A subscriber that gives the id of the last event it saw gets every
 * later event it watches, in order, without gaps or duplicates; when that id is unknown (another
 * process, a restart, older than the ring) it gets one {@code snapshot} event instead: everything
 * known now of every topology it watches, whose id it can resume from in turn. A new subscriber
 * starts with a snapshot.
 *
 * <p>Delivery never holds up the sources or other subscribers: publishing only puts the event in
 * each subscriber's bounded queue; one thread per subscriber sends (blocking on a slow client
 * blocks only that thread). A subscriber whose queue overflows is closed (it resumes with {@code
 * Last-Event-ID}); a silent stream gets a heartbeat every {@code heartbeat-interval}, which also
 * finds clients that are gone. At most {@code max-subscribers} at once (503 beyond).
 *
 * <p>Thread-safe: the sequence, the ring, the topologies' last known state and the subscriber list
 * change under one lock, so an event is either in a resuming subscriber's backlog or delivered to
 * it live, never both.
 */
public class TopologyEventHub implements TopologyStatusWatcher.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopologyEventHub.class);
  private static final Pattern EVENT_ID = Pattern.compile("^([0-9a-z]+)-([0-9]{1,18})$");
  private static final Object CLOSE = new Object();

  /** Where events go, one sink per subscriber; called from that subscriber's own thread only. */
  public interface Sink {

    /** Sends one event; may block while the client is slow. */
    void send(StreamedEvent event) throws IOException;

    /** Sends a comment line (nothing happened for a while). */
    void heartbeat() throws IOException;

    /** Ends the stream; called once, last. */
    void close(CloseReason reason);
  }

  /** Why a stream ended. */
  public enum CloseReason {
    /** Sending failed: the client went away (the container ends the response). */
    CLIENT_GONE,
    /** The stream's owner closed it (the response completed or timed out). */
    CLOSED,
    /** The client read too slowly: more than {@code subscriber-queue-size} events waited. */
    OVERFLOW,
    /** The service is shutting down. */
    SHUTDOWN,
    /** Sending failed unexpectedly. */
    ERROR
  }

  /**
   * Which topologies a stream watches: one topology, or those matching every given part (null:
   * any).
   */
  public record Filter(String cluster, String role, String environment, TopologyKey topology) {

    public static Filter of(TopologyKey key) {
      return new Filter(key.cluster(), key.role(), key.environment(), key);
    }

    /** Blank parts match anything. */
    public static Filter of(String cluster, String role, String environment) {
      return new Filter(blankToNull(cluster), blankToNull(role), blankToNull(environment), null);
    }

    public boolean matches(TopologyKey key) {
      if (topology != null) {
        return topology.equals(key);
      }
      return (cluster == null || cluster.equals(key.cluster()))
          && (role == null || role.equals(key.role()))
          && (environment == null || environment.equals(key.environment()));
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value;
    }
  }

  private final int bufferSize;
  private final int queueSize;
  private final int maxSubscribers;
  private final long heartbeatMillis;
  private final EventsProperties properties;
  private final ExecutorService delivery;
  private final Clock clock;
  private final String epoch;

  private final Object lock = new Object();
  private long sequence;
  private final ArrayDeque<StreamedEvent> recent = new ArrayDeque<>();
  private final Map<TopologyKey, TopologyEvent.Status> statuses = new HashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private boolean closed;

  /**
   * Starts listening to the repository and the operation feed at once (the status watcher calls
   * {@link #tasksChanged} as a registered listener); the topologies recorded now are the starting
   * point, without events.
   *
   * @param delivery runs one long task per subscriber; shut down after {@link #close}
   */
  public TopologyEventHub(
      TopologyRepository topologies,
      OperationFeed operations,
      EventsProperties properties,
      ExecutorService delivery,
      Clock clock) {
    this.properties = properties;
    this.bufferSize = properties.bufferSize();
    this.queueSize = properties.subscriberQueueSize();
    this.maxSubscribers = properties.maxSubscribers();
    this.heartbeatMillis = properties.heartbeatInterval().toMillis();
    this.delivery = delivery;
    this.clock = clock;
    this.epoch = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50), 36);
    topologies.addListener(this::recordChanged);
    synchronized (lock) {
      // Under the lock: a change the repository reports meanwhile waits, then counts only if newer.
      for (TopologyRecord record : topologies.list()) {
        statuses.putIfAbsent(record.key(), TopologyEvent.Status.of(record, null, null));
      }
    }
    operations.addListener(
        new OperationFeed.Listener() {
          @Override
          public void started(Operation operation) {
            publish(new TopologyEvent.OperationChange(TopologyEvent.Phase.STARTED, operation));
          }

          @Override
          public void ended(Operation operation) {
            publish(new TopologyEvent.OperationChange(TopologyEvent.Phase.ENDED, operation));
          }
        });
  }

  /** How long one stream lasts at most ({@code heroncp.events.stream-timeout}). */
  public Duration streamTimeout() {
    return properties.streamTimeout();
  }

  /** How many streams are open now. */
  public int subscribers() {
    synchronized (lock) {
      return subscriptions.size();
    }
  }

  /**
   * Opens a stream: first the events after {@code lastEventId} that the filter matches, or a
   * snapshot when that point is gone (or none was given); then every new matching event.
   *
   * @param lastEventId the {@code Last-Event-ID} the client sent, or null
   * @throws NotFoundException the filter names one topology that is not recorded (and the client
   *     has nothing to resume)
   * @throws AtCapacityException this replica serves {@code max-subscribers} streams already
   */
  public Subscription subscribe(Filter filter, String lastEventId, Sink sink) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(sink, "sink");
    Subscription subscription;
    synchronized (lock) {
      if (closed) {
        throw new DependencyUnavailableException(
            "This replica is shutting down; reconnect (to another replica) with Last-Event-ID");
      }
      if (subscriptions.size() >= maxSubscribers) {
        throw new AtCapacityException(
            "This replica serves its maximum of "
                + maxSubscribers
                + " event streams (heroncp.events.max-subscribers); retry later or on another"
                + " replica");
      }
      OptionalLong from = resumePoint(lastEventId);
      List<StreamedEvent> backlog =
          from.isEmpty()
              ? null
              : recent.stream()
                  .filter(e -> e.sequence() > from.getAsLong())
                  .filter(e -> filter.matches(e.event().key()))
                  .toList();
      if (filter.topology() != null
          && !statuses.containsKey(filter.topology())
          && (backlog == null || backlog.isEmpty())) {
        throw new NotFoundException(
            "Topology "
                + filter.topology().path()
                + " is not recorded; list topologies with GET /api/v1/topologies, or watch"
                + " GET /api/v1/events",
            null);
      }
      subscription = new Subscription(filter, sink);
      if (backlog != null && backlog.size() < queueSize) {
        backlog.forEach(subscription.queue::add);
      } else {
        subscription.queue.add(new StreamedEvent(id(sequence), sequence, snapshot(filter)));
      }
      subscriptions.add(subscription);
    }
    try {
      delivery.execute(subscription::deliver);
    } catch (RejectedExecutionException e) {
      subscription.end(CloseReason.SHUTDOWN);
      sink.close(CloseReason.SHUTDOWN);
      throw new DependencyUnavailableException(
          "This replica is shutting down; reconnect (to another replica) with Last-Event-ID");
    }
    return subscription;
  }

  /** Closes every stream; new subscriptions are refused. */
  @Override
  public void close() {
    List<Subscription> open;
    synchronized (lock) {
      closed = true;
      open = List.copyOf(subscriptions);
    }
    open.forEach(s -> s.end(CloseReason.SHUTDOWN));
  }

  /** A record changed in the repository: state and conditions events. */
  void recordChanged(TopologyRecord previous, TopologyRecord current) {
    synchronized (lock) {
      if (current == null) {
        if (previous == null) {
          return;
        }
        TopologyEvent.Status known = statuses.get(previous.key());
        if (known == null || !known.sameTopology(previous)) {
          return;
        }
        statuses.remove(previous.key());
        publish(
            new TopologyEvent.State(
                previous.key(),
                TopologyState.KILLED,
                known.state(),
                null,
                null,
                clock.instant(),
                known.lastOperationId()));
        return;
      }
      TopologyEvent.Status known = statuses.get(current.key());
      boolean same = known != null && known.sameTopology(current);
      if (same && known.version() >= current.version()) {
        return; // already known (the starting point, or a repeated notification)
      }
      TopologyEvent.Status now =
          TopologyEvent.Status.of(
              current, same ? known.job() : null, same ? known.observedAt() : null);
      statuses.put(current.key(), now);
      if (!same
          || known.state() != now.state()
          || known.settlesTo() != now.settlesTo()
          || !Objects.equals(known.failure(), now.failure())) {
        publish(
            new TopologyEvent.State(
                now.key(),
                now.state(),
                same ? known.state() : null,
                now.settlesTo(),
                now.failure(),
                now.updatedAt(),
                now.lastOperationId()));
      }
      if (same ? !known.conditions().equals(now.conditions()) : !now.conditions().isEmpty()) {
        publish(new TopologyEvent.Conditions(now.key(), now.conditions()));
      }
    }
  }

  @Override
  public void tasksChanged(TopologyKey key, ObservedStatus previous, ObservedStatus current) {
    if (current.job() == null) {
      return;
    }
    synchronized (lock) {
      TopologyEvent.Status known = statuses.get(key);
      if (known == null || !known.topologyId().equals(current.topologyId())) {
        return; // not (or no longer) recorded here
      }
      statuses.put(key, known.observed(current.job(), current.observedAt()));
      publish(new TopologyEvent.Tasks(key, current.job(), current.observedAt()));
    }
  }

  private void publish(TopologyEvent event) {
    synchronized (lock) {
      sequence++;
      StreamedEvent streamed = new StreamedEvent(id(sequence), sequence, event);
      recent.addLast(streamed);
      if (recent.size() > bufferSize) {
        recent.removeFirst();
      }
      for (Subscription subscription : List.copyOf(subscriptions)) {
        if (subscription.filter.matches(event.key())) {
          subscription.offer(streamed);
        }
      }
    }
  }

  private String id(long number) {
    return epoch + "-" + number;
  }

  /** The sequence after which a resuming client continues, if every later event is still kept. */
  private OptionalLong resumePoint(String lastEventId) {
    if (lastEventId == null) {
      return OptionalLong.empty();
    }
    Matcher matcher = EVENT_ID.matcher(lastEventId.trim());
    if (!matcher.matches() || !matcher.group(1).equals(epoch)) {
      return OptionalLong.empty();
    }
    long seen = Long.parseLong(matcher.group(2));
    long oldest = recent.isEmpty() ? sequence + 1 : recent.peekFirst().sequence();
    if (seen > sequence || seen < oldest - 1) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(seen);
  }

  private TopologyEvent.Snapshot snapshot(Filter filter) {
    return new TopologyEvent.Snapshot(
        statuses.values().stream()
            .filter(s -> filter.matches(s.key()))
            .sorted(Comparator.comparing(s -> s.key().path()))
            .toList());
  }

  /** One open stream. */
  public final class Subscription implements AutoCloseable {

    private final Filter filter;
    private final Sink sink;
    private final BlockingQueue<Object> queue;
    private volatile CloseReason reason;

    private Subscription(Filter filter, Sink sink) {
      this.filter = filter;
      this.sink = sink;
      this.queue = new ArrayBlockingQueue<>(queueSize + 1);
    }

    /** The response is over (completed, failed or timed out): stops delivering. */
    @Override
    public void close() {
      end(CloseReason.CLOSED);
    }

    /** Why it ended, or null while open. */
    public CloseReason closeReason() {
      return reason;
    }

    private void offer(StreamedEvent event) {
      if (reason == null && (queue.size() >= queueSize || !queue.offer(event))) {
        log.info(
            "Event stream {} closed: the client read too slowly ({} events waiting); it resumes"
                + " with Last-Event-ID",
            filter,
            queueSize);
        end(CloseReason.OVERFLOW);
      }
    }

    private void end(CloseReason why) {
      synchronized (lock) {
        if (reason != null) {
          return;
        }
        reason = why;
        subscriptions.remove(this);
      }
      queue.clear();
      queue.offer(CLOSE);
    }

    private void deliver() {
      try {
        while (reason == null) {
          Object item = queue.poll(heartbeatMillis, TimeUnit.MILLISECONDS);
          if (item == CLOSE || reason != null) {
            break;
          }
          if (item == null) {
            sink.heartbeat();
          } else {
            sink.send((StreamedEvent) item);
          }
        }
      } catch (IOException e) {
        end(CloseReason.CLIENT_GONE);
      } catch (InterruptedException e) {
        end(CloseReason.SHUTDOWN);
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.warn("Event stream {} failed: {}", filter, e.toString());
        end(CloseReason.ERROR);
      } finally {
        end(CloseReason.SHUTDOWN);
        try {
          sink.close(reason);
        } catch (RuntimeException e) {
          log.debug("Closing event stream {} failed: {}", filter, e.toString());
        }
      }
    }
  }
}
