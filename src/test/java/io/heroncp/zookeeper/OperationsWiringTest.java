package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.ServiceTest;
import io.heroncp.topology.Operation;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyLocks;
import io.heroncp.topology.TopologyState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * The beans as the service wires them: the application's JSON mapper, ZooKeeper client and
 * defaults.
 */
class OperationsWiringTest extends ServiceTest {

  @Autowired OperationStore operations;

  @Autowired TopologyLocks locks;

  @Autowired LeaderOnlyTasks leaderOnlyTasks;

  @Autowired ApplicationContext context;

  @Test
  void theServiceReadsTheTimeFromOneClockBean() {
    assertThat(context.getBeansOfType(Clock.class)).containsOnlyKeys("clock");
    assertThat(context.getBean(Clock.class).getZone()).isEqualTo(java.time.ZoneOffset.UTC);
  }

  @Test
  void anOperationRoundTripsThroughTheServicesMapperAndTheLockIsUsable() {
    TopologyKey key = new TopologyKey("local", "alice", "devel", "wiring-" + UUID.randomUUID());
    Operation begun =
        operations.begin(
            Operation.start(
                Operation.Verb.UPDATE,
                key,
                Map.of("component", "word"),
                "alice",
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                TopologyState.PAUSED,
                TopologyState.PAUSED,
                "k-1"),
            OperationStore.scope("PATCH", "/api/v1/topologies/" + key.path()));
    Operation ended =
        operations.complete(
            begun.failed(
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                "dependency-failed",
                "Aurora refused"));

    assertThat(operations.find(begun.id())).contains(ended);
    assertThat(
            operations.findByIdempotencyKey(
                "k-1", OperationStore.scope("PATCH", "/api/v1/topologies/" + key.path())))
        .contains(ended);
    assertThat(operations.history(key.cluster(), key.name())).containsExactly(ended);
    try (TopologyLocks.Held held = locks.acquire(key, Duration.ofSeconds(2))) {
      assertThat(held.isHeld()).isTrue();
    }
  }
}
