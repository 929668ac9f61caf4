package io.heroncp.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.cluster.ClusterProperties;
import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.topology.JobRendering;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.JobStatus;
import io.heroncp.topology.SchedulerProbe;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class AuroraHealthIndicatorTest {

  private static final SchedulerProbe ANSWERS =
      new SchedulerProbe("static http://a:8081", "http://a:8081", true, null);
  private static final SchedulerProbe REFUSED =
      new SchedulerProbe("static http://b:8081", "http://b:8081", false, "connection refused");

  @Test
  void oneUnreachableClusterIsDownInTheDetailsButTheIndicatorStaysUp() {
    Health health =
        indicator(Map.of("east", () -> ANSWERS, "west", () -> REFUSED), Duration.ofSeconds(5))
            .health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    Map<String, Map<String, Object>> clusters = clusters(health);
    assertThat(clusters.get("east"))
        .containsEntry("status", "UP")
        .containsEntry("endpoint", "http://a:8081")
        .doesNotContainKey("reason");
    assertThat(clusters.get("west"))
        .containsEntry("status", "DOWN")
        .containsEntry("discovery", "static http://b:8081")
        .containsEntry("reason", "connection refused");
  }

  @Test
  void downWhenNoClusterAnswers() {
    Health health = indicator(Map.of("west", () -> REFUSED), Duration.ofSeconds(5)).health();

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(clusters(health).get("west")).containsEntry("status", "DOWN");
  }

  @Test
  void aProbeThatHangsIsReportedAsTimedOut() {
    CountDownLatch never = new CountDownLatch(1);
    Supplier<SchedulerProbe> hangs =
        () -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return ANSWERS;
        };

    Health health =
        indicator(Map.of("east", () -> ANSWERS, "slow", hangs), Duration.ofMillis(200)).health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(clusters(health).get("slow"))
        .containsEntry("status", "DOWN")
        .containsEntry("reason", "no answer within PT0.2S");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> clusters(Health health) {
    return (Map<String, Map<String, Object>>) health.getDetails().get("clusters");
  }

  private static AuroraHealthIndicator indicator(
      Map<String, Supplier<SchedulerProbe>> probes, Duration timeout) {
    Map<String, ClusterProperties> properties = new java.util.TreeMap<>();
    probes.keySet().forEach(name -> properties.put(name, cluster()));
    ClusterRegistry registry = new ClusterRegistry(properties, Set.of());
    return new AuroraHealthIndicator(
        registry, name -> new ProbedScheduler(name, probes.get(name)), timeout);
  }

  private static ClusterProperties cluster() {
    return new ClusterProperties(
        "devel",
        "^(devel)$",
        "/heron",
        null,
        URI.create("file:///heron-core.tar.gz"),
        null,
        Map.of(),
        new ClusterProperties.Scheduler(
            URI.create("http://127.0.0.1:9"),
            null,
            "/aurora/scheduler",
            null,
            null,
            ClusterProperties.Scheduler.Protocol.BINARY,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1)));
  }

  /** A scheduler that only answers probes, with a given result; every job call is a test error. */
  private record ProbedScheduler(String cluster, Supplier<SchedulerProbe> probes)
      implements TopologyScheduler {
    @Override
    public JobRendering render(JobRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void createJob(JobRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkIdentifier(String field, String value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkEnvironment(String environment) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void restart(TopologyKey key, java.util.Set<Integer> instances) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.List<Integer> addInstances(TopologyKey key, int count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void scaleTo(TopologyKey key, int instanceCount) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void killInstances(TopologyKey key, java.util.Set<Integer> instances) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateJob(JobRequest request, Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.List<String> describeUpdate(
        TopologyKey key, int instanceCount, io.heroncp.heron.Resources perInstance) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.List<String> describeScale(TopologyKey key, int from, int to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void killJob(TopologyKey key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public JobStatus status(TopologyKey key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SchedulerProbe probe() {
      return probes.get();
    }
  }
}
