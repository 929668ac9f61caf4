package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.support.EventStream;
import io.heroncp.support.SecuredServiceTest;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The event streams are reads: with security on a token of any role may watch (read-access
 * AUTHENTICATED), and the stream keeps flowing after the request that opened it returned.
 */
class EventStreamAccessTest extends SecuredServiceTest {

  @Test
  void anyAuthenticatedPrincipalWatchesAndTheStreamKeepsFlowing() {
    try (EventStream stream =
        EventStream.open(
            URI.create(base() + "/api/v1/events?cluster=local"),
            null,
            "Authorization",
            "Bearer " + BOB)) {
      assertThat(stream.response().statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.comments().size() >= 2);
      assertThat(stream.events()).extracting(EventStream.Event::name).containsExactly("snapshot");
      assertThat(stream.ended()).isFalse();
    }
    try (EventStream anonymous = EventStream.open(URI.create(base() + "/api/v1/events"), null)) {
      assertThat(anonymous.response().statusCode()).isEqualTo(401);
    }
  }
}
