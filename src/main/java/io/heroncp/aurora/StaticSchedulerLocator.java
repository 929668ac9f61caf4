package io.heroncp.aurora;

import java.net.URI;
import java.util.Objects;

/**
 * A scheduler at a fixed base URL (a single scheduler, or a load balancer in front of the leader).
 */
public record StaticSchedulerLocator(URI url) implements SchedulerLocator {

  public StaticSchedulerLocator {
    Objects.requireNonNull(url, "url");
  }

  @Override
  public URI locate() {
    return url;
  }

  @Override
  public String description() {
    return "static " + url;
  }
}
