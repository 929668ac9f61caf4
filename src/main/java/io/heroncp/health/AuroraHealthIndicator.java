package io.heroncp.health;

import io.heroncp.cluster.ClusterRegistry;
import io.heroncp.topology.SchedulerDirectory;
import io.heroncp.topology.SchedulerProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The Aurora scheduler of every configured cluster, probed in parallel (discovery, then a cheap
 * read-only call to the leader). Details hold one entry per cluster: {@code status} (UP/DOWN),
 * {@code discovery}, {@code endpoint}, and {@code reason} when DOWN.
 *
 * <p>The indicator itself is DOWN only when no cluster answers: one unreachable cluster does not
 * stop the others from being served. It is deliberately not part of the readiness group (a
 * scheduler outage must not take every replica out of the load balancer, which would also stop
 * Aurora's agents from fetching packages). Thread-safe; each call probes anew and waits at most
 * {@code timeout} per cluster.
 */
public final class AuroraHealthIndicator implements HealthIndicator, AutoCloseable {

  private final ClusterRegistry clusters;
  private final SchedulerDirectory schedulers;
  private final Duration timeout;

  /**
   * Probes block on the network: own daemon threads, not the common pool (one thread on a 2-core
   * host).
   */
  private final ExecutorService probing =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "aurora-health-probe");
            thread.setDaemon(true);
            return thread;
          });

  public AuroraHealthIndicator(
      ClusterRegistry clusters, SchedulerDirectory schedulers, Duration timeout) {
    this.clusters = Objects.requireNonNull(clusters, "clusters");
    this.schedulers = Objects.requireNonNull(schedulers, "schedulers");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** Stops the probe threads with the bean (Spring calls it on shutdown). */
  @Override
  public void close() {
    probing.shutdownNow();
  }

  @Override
  public Health health() {
    Map<String, CompletableFuture<SchedulerProbe>> probes = new LinkedHashMap<>();
    for (String cluster : clusters.all().keySet()) {
      probes.put(
          cluster,
          CompletableFuture.supplyAsync(() -> schedulers.forCluster(cluster).probe(), probing));
    }
    Map<String, Map<String, Object>> details = new LinkedHashMap<>();
    int up = 0;
    for (Map.Entry<String, CompletableFuture<SchedulerProbe>> entry : probes.entrySet()) {
      Map<String, Object> cluster = new LinkedHashMap<>();
      SchedulerProbe probe = await(entry.getKey(), entry.getValue());
      cluster.put("status", probe.reachable() ? Status.UP.getCode() : Status.DOWN.getCode());
      cluster.put("discovery", probe.discovery());
      if (probe.endpoint() != null) {
        cluster.put("endpoint", probe.endpoint());
      }
      if (!probe.reachable()) {
        cluster.put("reason", probe.detail());
      } else {
        up++;
      }
      details.put(entry.getKey(), cluster);
    }
    Health.Builder health = up > 0 || details.isEmpty() ? Health.up() : Health.down();
    return health.withDetail("clusters", details).build();
  }

  private SchedulerProbe await(String cluster, CompletableFuture<SchedulerProbe> probe) {
    try {
      return probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      probe.cancel(true);
      return new SchedulerProbe(null, null, false, "no answer within " + timeout);
    } catch (ExecutionException e) {
      return new SchedulerProbe(null, null, false, "probe failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new SchedulerProbe(null, null, false, "interrupted");
    }
  }
}
