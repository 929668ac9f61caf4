package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.heroncp.problems.AtCapacityException;
import io.heroncp.problems.NotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event hub over the core's in-memory fakes: what each subscriber gets, and when. */
class TopologyEventHubTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final CoreFixture fixture = new CoreFixture();
  private final RecordingFeed feed = new RecordingFeed();
  private final ExecutorService delivery = Executors.newCachedThreadPool();
  private TopologyEventHub hub;

  @AfterEach
  void stop() {
    if (hub != null) {
      hub.close();
    }
    delivery.shutdownNow();
    fixture.close();
  }

  private TopologyEventHub hub(int bufferSize, Duration heartbeat, int maxSubscribers) {
    hub =
        new TopologyEventHub(
            fixture.topologies,
            feed,
            new EventsProperties(bufferSize, heartbeat, maxSubscribers, 16, Duration.ofMinutes(30)),
            delivery,
            fixture.clock);
    return hub;
  }

  private TopologyEventHub hub() {
    return hub(16, Duration.ofMinutes(1), 3);
  }

  @Test
  void aNewSubscriberStartsWithASnapshotThenGetsOnlyItsTopologysStateChanges() {
    fixture.running("Seen");
    hub();
    RecordingSink sink = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(CoreFixture.key("Seen")), null, sink);

    fixture.running("Other");
    fixture.verbs.deactivate(fixture.request("Seen"));

    await().atMost(WAIT).until(() -> sink.kinds().contains("state"));
    TopologyEvent.Snapshot snapshot = (TopologyEvent.Snapshot) sink.events().get(0).event();
    assertThat(snapshot.topologies())
        .extracting(s -> s.key().name() + " " + s.state())
        .containsExactly("Seen RUNNING");
    assertThat(sink.events().subList(1, sink.events().size()))
        .allMatch(e -> e.event().key().equals(CoreFixture.key("Seen")));
    List<TopologyEvent.State> states = sink.states();
    assertThat(states).hasSize(1);
    assertThat(states.get(0).previous()).isEqualTo(TopologyState.RUNNING);
    assertThat(states.get(0).state()).isEqualTo(TopologyState.PAUSED);
  }

  @Test
  void aChangeOfConditionsIsAConditionsEventAndAnUnchangedListIsNone() {
    hub();
    TopologyRecord record = fixture.running("Conditioned");
    RecordingSink sink = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(null, "alice", null), null, sink);

    TopologyRecord.Condition ready =
        new TopologyRecord.Condition(
            "TopologyManagerReady", "True", "Announced", "tmanagers/Conditioned exists", now());
    record = fixture.topologies.update(record.withConditions(List.of(ready)));
    fixture.topologies.update(record.withState(TopologyState.PAUSED, now(), "op-2"));

    await().atMost(WAIT).until(() -> sink.events().size() >= 3);
    assertThat(sink.kinds()).containsExactly("snapshot", "conditions", "state");
    assertThat(((TopologyEvent.Conditions) sink.events().get(1).event()).conditions())
        .containsExactly(ready);
  }

  @Test
  void observedTasksAndOperationsAreEventsAndTheSnapshotKeepsTheTasks() {
    hub();
    fixture.running("Observed");
    JobStatus job = new JobStatus(true, Map.of("RUNNING", 2));
    ObservedStatus observed =
        new ObservedStatus(CoreFixture.topologyId("Observed"), job, now(), null, null);
    hub.tasksChanged(CoreFixture.key("Observed"), null, observed);
    Operation operation =
        Operation.start(
            Operation.Verb.RESTART,
            CoreFixture.key("Observed"),
            Map.of(),
            "alice",
            now(),
            TopologyState.RUNNING,
            TopologyState.RUNNING,
            null);
    feed.started(operation);
    feed.ended(operation.succeeded(now()));

    RecordingSink sink = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(CoreFixture.key("Observed")), null, sink);
    await().atMost(WAIT).until(() -> !sink.events().isEmpty());
    TopologyEvent.Snapshot snapshot = (TopologyEvent.Snapshot) sink.events().get(0).event();
    assertThat(snapshot.topologies().get(0).job()).isEqualTo(job);

    RecordingSink resumed = new RecordingSink();
    hub.subscribe(
        TopologyEventHub.Filter.of(CoreFixture.key("Observed")),
        sink.events().get(0).id().replaceAll("-\\d+$", "-0"),
        resumed);
    await()
        .atMost(WAIT)
        .until(() -> resumed.kinds().stream().filter("operation"::equals).count() == 2);
    // From the start: the submit's state changes first, then these.
    assertThat(resumed.kinds().get(0)).isEqualTo("state");
    List<StreamedEvent> observedThenOperations =
        resumed.events().stream()
            .filter(e -> e.event().kind().equals("tasks") || e.event().kind().equals("operation"))
            .toList();
    assertThat(observedThenOperations)
        .extracting(e -> e.event().kind())
        .containsExactly("tasks", "operation", "operation");
    assertThat(((TopologyEvent.OperationChange) observedThenOperations.get(1).event()).phase())
        .isEqualTo(TopologyEvent.Phase.STARTED);
    TopologyEvent.OperationChange ended =
        (TopologyEvent.OperationChange) observedThenOperations.get(2).event();
    assertThat(ended.phase()).isEqualTo(TopologyEvent.Phase.ENDED);
    assertThat(ended.operation().outcome()).isEqualTo(Operation.Outcome.SUCCEEDED);
  }

  @Test
  void resumingGivesEveryLaterEventOnceAndThenTheLiveOnes() {
    hub();
    fixture.running("Resumed");
    RecordingSink first = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(null, null, null), null, first);
    for (int i = 0; i < 5; i++) {
      observe("Resumed", i);
    }
    await().atMost(WAIT).until(() -> first.events().size() >= 6);
    StreamedEvent seen = first.events().get(2);

    RecordingSink second = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(null, null, null), seen.id(), second);
    observe("Resumed", 5);

    await().atMost(WAIT).until(() -> first.events().size() >= 7 && second.events().size() >= 4);
    assertThat(second.events()).containsExactlyElementsOf(first.events().subList(3, 7));
    for (int i = 1; i < second.events().size(); i++) {
      assertThat(second.events().get(i).sequence())
          .isEqualTo(second.events().get(i - 1).sequence() + 1);
    }
  }

  @Test
  void anIdOlderThanTheBufferOfAnotherProcessOrMalformedGivesASnapshot() {
    hub();
    fixture.running("Old");
    RecordingSink first = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(null, null, null), null, first);
    observe("Old", 0);
    await().atMost(WAIT).until(() -> first.events().size() >= 2);
    String oldest = first.events().get(1).id();
    String epoch = oldest.substring(0, oldest.lastIndexOf('-'));
    for (int i = 1; i <= 16; i++) {
      observe("Old", i);
    }
    await().atMost(WAIT).until(() -> first.events().size() >= 18);
    String newest = first.last().id();

    for (String id : List.of(oldest, "otherprocess-3", epoch + "-99999", "garbage", "")) {
      RecordingSink sink = new RecordingSink();
      TopologyEventHub.Subscription subscription =
          hub.subscribe(TopologyEventHub.Filter.of(null, null, null), id, sink);
      await().atMost(WAIT).until(() -> !sink.events().isEmpty());
      assertThat(sink.kinds()).as(id).containsExactly("snapshot");
      assertThat(sink.events().get(0).id()).as("resumable from the newest event").isEqualTo(newest);
      subscription.close();
    }
  }

  @Test
  void aBlockedClientHoldsUpNeitherTheSourcesNorOthersAndIsClosedWhenItsQueueOverflows() {
    hub();
    fixture.running("Busy");
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink slow = new RecordingSink(release);
    RecordingSink fast = new RecordingSink();
    TopologyEventHub.Subscription blocked =
        hub.subscribe(TopologyEventHub.Filter.of(null, null, null), null, slow);
    hub.subscribe(TopologyEventHub.Filter.of(null, null, null), null, fast);

    assertTimeoutPreemptively(
        WAIT,
        () -> {
          for (int i = 0; i < 40; i++) {
            observe("Busy", i);
            int published = i + 2;
            await().atMost(WAIT).until(() -> fast.events().size() >= published);
          }
        });
    assertThat(fast.events()).hasSize(41);
    assertThat(blocked.closeReason()).isEqualTo(TopologyEventHub.CloseReason.OVERFLOW);
    assertThat(hub.subscribers()).isEqualTo(1);

    release.countDown();
    await().atMost(WAIT).until(() -> slow.closed != null);
    assertThat(slow.closed).isEqualTo(TopologyEventHub.CloseReason.OVERFLOW);
    assertThat(slow.events()).hasSizeLessThan(41);
  }

  @Test
  void beyondMaxSubscribersASubscriptionIsRefusedUntilOneCloses() {
    hub();
    List<TopologyEventHub.Subscription> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      open.add(
          hub.subscribe(TopologyEventHub.Filter.of(null, null, null), null, new RecordingSink()));
    }
    assertThatThrownBy(
            () ->
                hub.subscribe(
                    TopologyEventHub.Filter.of(null, null, null), null, new RecordingSink()))
        .isInstanceOf(AtCapacityException.class)
        .hasMessageContaining("heroncp.events.max-subscribers");

    open.get(0).close();
    assertThat(hub.subscribers()).isEqualTo(2);
    hub.subscribe(TopologyEventHub.Filter.of(null, null, null), null, new RecordingSink());
  }

  @Test
  void aSilentStreamGetsHeartbeatsAndAClientGoneIsNoticedByThem() {
    hub(16, Duration.ofMillis(50), 3);
    RecordingSink sink = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(null, null, null), null, sink);
    await().atMost(WAIT).until(() -> sink.heartbeats.size() >= 2);

    sink.gone = true;
    await().atMost(WAIT).until(() -> sink.closed != null);
    assertThat(sink.closed).isEqualTo(TopologyEventHub.CloseReason.CLIENT_GONE);
    assertThat(hub.subscribers()).isZero();
  }

  @Test
  void aKilledTopologyEndsWithStateKilledAndCannotBeWatchedAfterwards() {
    hub();
    fixture.running("Killed");
    RecordingSink sink = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(CoreFixture.key("Killed")), null, sink);

    fixture.lifecycle.kill(fixture.request("Killed"));

    await()
        .atMost(WAIT)
        .until(
            () ->
                !sink.states().isEmpty()
                    && sink.states().get(sink.states().size() - 1).state() == TopologyState.KILLED);
    TopologyEvent.State killed = (TopologyEvent.State) sink.last().event();
    assertThat(killed.state()).isEqualTo(TopologyState.KILLED);
    assertThat(killed.previous()).isEqualTo(TopologyState.KILLING);
    assertThatThrownBy(
            () ->
                hub.subscribe(
                    TopologyEventHub.Filter.of(CoreFixture.key("Killed")),
                    null,
                    new RecordingSink()))
        .isInstanceOf(NotFoundException.class);
    // A client that saw the stream before resumes to its end.
    RecordingSink resumed = new RecordingSink();
    hub.subscribe(
        TopologyEventHub.Filter.of(CoreFixture.key("Killed")), sink.events().get(0).id(), resumed);
    await().atMost(WAIT).until(() -> resumed.events().size() >= 2);
    assertThat(resumed.last()).isEqualTo(sink.last());
  }

  @Test
  void closingTheHubEndsEveryStream() {
    hub();
    RecordingSink sink = new RecordingSink();
    hub.subscribe(TopologyEventHub.Filter.of(null, null, null), null, sink);
    hub.close();
    await().atMost(WAIT).until(() -> sink.closed != null);
    assertThat(sink.closed).isEqualTo(TopologyEventHub.CloseReason.SHUTDOWN);
    assertThatThrownBy(
            () ->
                hub.subscribe(
                    TopologyEventHub.Filter.of(null, null, null), null, new RecordingSink()))
        .hasMessageContaining("shutting down");
  }

  // --- fakes ---

  private Instant now() {
    return fixture.clock.instant();
  }

  private void observe(String name, int running) {
    hub.tasksChanged(
        CoreFixture.key(name),
        null,
        new ObservedStatus(
            CoreFixture.topologyId(name),
            new JobStatus(true, Map.of("RUNNING", running)),
            now(),
            null,
            null));
  }

  /** The operation feed, fired by hand. */
  static final class RecordingFeed implements OperationFeed {
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void addListener(Listener listener) {
      listeners.add(listener);
    }

    void started(Operation operation) {
      listeners.forEach(l -> l.started(operation));
    }

    void ended(Operation operation) {
      listeners.forEach(l -> l.ended(operation));
    }
  }

  /** Records what it is sent; blocks in its first send until released, when given a latch. */
  static final class RecordingSink implements TopologyEventHub.Sink {
    private final List<StreamedEvent> events = new CopyOnWriteArrayList<>();
    final List<Instant> heartbeats = new CopyOnWriteArrayList<>();
    private final CountDownLatch release;
    volatile boolean gone;
    volatile TopologyEventHub.CloseReason closed;

    RecordingSink() {
      this(null);
    }

    RecordingSink(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void send(StreamedEvent event) throws IOException {
      if (gone) {
        throw new IOException("broken pipe");
      }
      if (release != null) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      events.add(event);
    }

    @Override
    public void heartbeat() throws IOException {
      if (gone) {
        throw new IOException("broken pipe");
      }
      heartbeats.add(Instant.now());
    }

    @Override
    public void close(TopologyEventHub.CloseReason reason) {
      closed = reason;
    }

    List<StreamedEvent> events() {
      return List.copyOf(events);
    }

    List<String> kinds() {
      return events.stream().map(e -> e.event().kind()).toList();
    }

    List<TopologyEvent.State> states() {
      return events.stream()
          .map(StreamedEvent::event)
          .filter(TopologyEvent.State.class::isInstance)
          .map(TopologyEvent.State.class::cast)
          .toList();
    }

    StreamedEvent last() {
      return events.get(events.size() - 1);
    }
  }
}
