package io.heroncp.api;

import io.heroncp.topology.StreamedEvent;
import io.heroncp.topology.TopologyEventHub;
import io.heroncp.topology.TopologyKey;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events of topology changes ({@code text/event-stream}): one topology's, or every
 * topology's matching the filters. Resumable with {@code Last-Event-ID}; see {@link
 * TopologyEventHub} for the guarantees.
 */
@RestController
class TopologyEventController {

  private static final String LAST_EVENT_ID = "Last-Event-ID";

  private final TopologyEventHub hub;

  TopologyEventController(TopologyEventHub hub) {
    this.hub = hub;
  }

  @GetMapping(
      path = "/api/v1/topologies/{cluster}/{role}/{environment}/{name}/events",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  ResponseEntity<SseEmitter> topologyEvents(
      @PathVariable String cluster,
      @PathVariable String role,
      @PathVariable String environment,
      @PathVariable String name,
      @RequestHeader(name = LAST_EVENT_ID, required = false) String lastEventId) {
    return stream(
        TopologyEventHub.Filter.of(new TopologyKey(cluster, role, environment, name)), lastEventId);
  }

  @GetMapping(path = "/api/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  ResponseEntity<SseEmitter> events(
      @RequestParam(required = false) String cluster,
      @RequestParam(required = false) String role,
      @RequestParam(required = false) String environment,
      @RequestHeader(name = LAST_EVENT_ID, required = false) String lastEventId) {
    return stream(TopologyEventHub.Filter.of(cluster, role, environment), lastEventId);
  }

  private ResponseEntity<SseEmitter> stream(TopologyEventHub.Filter filter, String lastEventId) {
    SseEmitter emitter = new SseEmitter(hub.streamTimeout().toMillis());
    TopologyEventHub.Subscription subscription =
        hub.subscribe(filter, lastEventId, new EmitterSink(emitter));
    emitter.onCompletion(subscription::close);
    emitter.onError(error -> subscription.close());
    // Ends the response cleanly (no timeout error dispatch); the client resumes with Last-Event-ID.
    emitter.onTimeout(
        () -> {
          subscription.close();
          emitter.complete();
        });
    return ResponseEntity.ok()
        .header(HttpHeaders.CACHE_CONTROL, "no-cache")
        // Reverse proxies (nginx) would otherwise buffer the stream.
        .header("X-Accel-Buffering", "no")
        .body(emitter);
  }

  /** Writes events to one response; called from the subscriber's own delivery thread. */
  private record EmitterSink(SseEmitter emitter) implements TopologyEventHub.Sink {

    @Override
    public void send(StreamedEvent event) throws IOException {
      emitter.send(
          SseEmitter.event()
              .id(event.id())
              .name(event.event().kind())
              .data(EventViews.of(event.event()), MediaType.APPLICATION_JSON));
    }

    @Override
    public void heartbeat() throws IOException {
      emitter.send(SseEmitter.event().comment("heartbeat"));
    }

    @Override
    public void close(TopologyEventHub.CloseReason reason) {
      // After a failed send the container ends the response itself; completing would fail again.
      if (reason != TopologyEventHub.CloseReason.CLIENT_GONE) {
        emitter.complete();
      }
    }
  }
}
