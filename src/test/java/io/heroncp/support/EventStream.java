package io.heroncp.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of one server-sent event stream, reading it on a thread of its own and parsing it as the
 * SSE specification says (fields {@code id}, {@code event}, {@code data}; a blank line dispatches;
 * lines starting with a colon are comments). Thread-safe reads of what arrived so far.
 */
public final class EventStream implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One dispatched event. */
  public record Event(String id, String name, String data) {
    public JsonNode json() {
      return JSON.readTree(data);
    }

    /** The sequence part of the id ({@code <epoch>-<sequence>}). */
    public long sequence() {
      return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }

    public String epoch() {
      return id.substring(0, id.lastIndexOf('-'));
    }
  }

  private final HttpResponse<Stream<String>> response;
  private final List<Event> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private volatile boolean ended;
  private volatile boolean endedByServer;
  private final Thread reader;

  private EventStream(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    if (response.statusCode() == 200) {
      reader.start();
    } else {
      ended = true;
    }
  }

  /** Opens the stream at {@code uri} (sending {@code Last-Event-ID} when not null). */
  public static EventStream open(URI uri, String lastEventId, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return new EventStream(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<Stream<String>> response() {
    return response;
  }

  /** The body of an answer that is not a stream (e.g. a 503 problem). */
  public String body() {
    try (Stream<String> lines = response.body()) {
      return String.join("\n", lines.toList());
    }
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  public synchronized List<Event> events(String name) {
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }

  public synchronized List<String> comments() {
    return List.copyOf(comments);
  }

  public synchronized Event last() {
    return events.isEmpty() ? null : events.get(events.size() - 1);
  }

  /** Whether the stream ended (or broke). */
  public boolean ended() {
    return ended;
  }

  /** Whether the server ended the response properly (not a broken connection, not closed here). */
  public boolean endedByServer() {
    return endedByServer;
  }

  @Override
  public void close() {
    response.body().close();
    reader.interrupt();
  }

  private void read() {
    String id = null;
    String name = null;
    StringBuilder data = null;
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (data != null) {
            synchronized (this) {
              events.add(new Event(id, name == null ? "message" : name, data.toString()));
            }
          }
          name = null;
          data = null;
          continue;
        }
        if (line.startsWith(":")) {
          synchronized (this) {
            comments.add(line.substring(1));
          }
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "id" -> id = value;
          case "event" -> name = value;
          case "data" ->
              data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> {}
        }
      }
      endedByServer = true;
    } catch (RuntimeException closed) {
      // closed by the test, or the connection broke
    } finally {
      ended = true;
    }
  }
}
