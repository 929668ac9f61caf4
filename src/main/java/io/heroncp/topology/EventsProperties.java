package io.heroncp.topology;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The event streams ({@code heroncp.events.*}): server-sent events of topology changes.
 *
 * @param bufferSize how many recent events each replica keeps for clients that resume with {@code
 *     Last-Event-ID}; a client further behind gets a snapshot instead
 * @param heartbeatInterval how long a stream stays silent before a comment line is sent, so proxies
 *     keep it open and a vanished client is noticed
 * @param maxSubscribers how many streams one replica serves at once; more answer 503
 * @param subscriberQueueSize how many events may wait for one slow client; beyond, its stream is
 *     closed (it resumes with {@code Last-Event-ID}) so it never holds up the others
 * @param streamTimeout how long one stream lasts at most; clients reconnect with {@code
 *     Last-Event-ID}
 */
@Validated
@ConfigurationProperties("heroncp.events")
public record EventsProperties(
    @Min(value = 16, message = "must be at least 16: resuming needs some recent events")
        @Max(value = 1_000_000, message = "must be at most 1000000: the buffer lives in memory")
        @DefaultValue("1000")
        int bufferSize,
    @NotNull @DefaultValue("15s") Duration heartbeatInterval,
    @Min(value = 1, message = "must be at least 1") @DefaultValue("256") int maxSubscribers,
    @Min(value = 16, message = "must be at least 16: a snapshot and a few events fit")
        @DefaultValue("256")
        int subscriberQueueSize,
    @NotNull @DefaultValue("30m") Duration streamTimeout) {

  public EventsProperties {
    positive("heartbeat-interval", heartbeatInterval);
    positive("stream-timeout", streamTimeout);
  }

  private static void positive(String name, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException("heroncp.events." + name + " must be positive");
    }
  }
}
