package io.heroncp.topology;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service does about a record set aside as unreadable ({@link Quarantine}): logs it,
 * counts it, and when a topology may depend on it (it was still RUNNING, it is the topology's last
 * operation, or the topology is in an operation's in-progress state), marks that topology FAILED
 * with the reason, so it can be killed instead of staying stuck. Never throws.
 */
public class UnreadableRecords implements Quarantine {

  private static final Logger log = LoggerFactory.getLogger(UnreadableRecords.class);

  /** The reason of the failure a topology gets. */
  public static final String FAILURE_REASON = "OperationUnreadable";

  private final TopologyRepository topologies;
  private final Clock clock;
  private final Listener counter;

  /** Told about every record set aside (metrics). */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param kind {@code operation} or {@code topology}
     */
    void setAside(String kind);
  }

  public UnreadableRecords(TopologyRepository topologies, Clock clock, Listener counter) {
    this.topologies = topologies;
    this.clock = clock;
    this.counter = counter;
  }

  @Override
  public void quarantined(Unreadable unreadable) {
    try {
      counter.setAside(unreadable.kind());
      log.error(
          "Set aside an unreadable {} record {} (topology {}): {}",
          unreadable.kind(),
          unreadable.id(),
          unreadable.key() == null ? "unknown" : unreadable.key(),
          unreadable.reason());
      if (unreadable.key() != null && unreadable.kind().equals("operation")) {
        topologies
            .read(unreadable.key())
            .filter(record -> record.state() != TopologyState.FAILED)
            .filter(
                record ->
                    unreadable.unfinished()
                        || unreadable.id().equals(record.lastOperationId())
                        || TopologyTransitions.isInProgress(record.state()))
            .ifPresent(
                record ->
                    topologies.update(
                        record.failed(
                            new TopologyRecord.Failure(
                                FAILURE_REASON,
                                "Operation "
                                    + unreadable.id()
                                    + " could not be read back and was set aside ("
                                    + unreadable.reason()
                                    + "); kill the topology and submit it again",
                                clock.instant()))));
      }
    } catch (RuntimeException e) {
      log.warn(
          "Could not mark the topology of unreadable operation {} FAILED: {}",
          unreadable.id(),
          e.getMessage());
    }
  }
}
