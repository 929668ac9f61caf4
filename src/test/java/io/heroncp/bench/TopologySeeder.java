package io.heroncp.bench;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.support.Multipart;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records topologies through the API as a user would: a multipart submit of the example word-count
 * topology (a real .defn written by heron-api, and its jar). heron-api runs once; every further
 * topology gets a copy of that definition under its own name and id.
 */
final class TopologySeeder {

  static final String CLUSTER = "local";
  static final String ROLE = "bench";
  static final String ENVIRONMENT = "devel";

  private final HttpClient client;
  private final ServiceProcess service;
  private final TopologyAPI.Topology definition;
  private final byte[] jar;

  TopologySeeder(HttpClient client, ServiceProcess service) throws IOException {
    this.client = client;
    this.service = service;
    this.definition =
        TopologyAPI.Topology.parseFrom(
            HeronDefinitions.definition(
                HeronDefinitions.WORD_COUNT,
                "bench-base",
                Map.of(
                    "cmdline.topology.role", ROLE, "cmdline.topology.environment", ENVIRONMENT)));
    this.jar = HeronDefinitions.topologyJar(HeronDefinitions.WORD_COUNT);
  }

  static String name(int index) {
    return String.format("bench-%05d", index);
  }

  static String path(int index) {
    return "/api/v1/topologies/" + CLUSTER + "/" + ROLE + "/" + ENVIRONMENT + "/" + name(index);
  }

  /**
   * Submits topology {@code index} (or renders it only, {@code dryRun}); returns the latency in
   * nanoseconds. A topology already recorded (409) counts as seeded.
   */
  long submit(int index, boolean dryRun) {
    String name = name(index);
    byte[] defn =
        definition.toBuilder().setName(name).setId(name + "-" + index).build().toByteArray();
    Multipart form =
        new Multipart()
            .field("name", name)
            .field("cluster", CLUSTER)
            .field("role", ROLE)
            .field("environment", ENVIRONMENT)
            .file("definition", name + ".defn", defn)
            .file("topology", "word-count.jar", jar);
    if (dryRun) {
      form.field("dry_run", "true");
    }
    HttpRequest request =
        HttpRequest.newBuilder(service.url("/api/v1/topologies"))
            .header("Content-Type", form.contentType())
            .POST(form.publisher())
            .build();
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("submit of " + name + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    long elapsed = System.nanoTime() - start;
    int status = response.statusCode();
    if (status != (dryRun ? 200 : 201) && status != 409) {
      throw new IllegalStateException(
          "submit of " + name + " answered " + status + ": " + response.body());
    }
    return elapsed;
  }

  /** Submits topologies {@code from} (inclusive) to {@code to} one after the other; latencies. */
  long[] sequential(int from, int to, boolean dryRun) {
    long[] latencies = new long[Math.max(0, to - from)];
    for (int i = from; i < to; i++) {
      latencies[i - from] = submit(i, dryRun);
    }
    return latencies;
  }

  /** Submits topologies {@code from} to {@code to} with {@code workers} in parallel. */
  void parallel(int from, int to, int workers) {
    if (to <= from) {
      return;
    }
    AtomicInteger next = new AtomicInteger(from);
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
                    submit(i, false);
                    int count = done.incrementAndGet();
                    if (count % 1000 == 0) {
                      System.out.printf("  seeded %d of %d%n", from + count, to);
                    }
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("seeding failed", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
