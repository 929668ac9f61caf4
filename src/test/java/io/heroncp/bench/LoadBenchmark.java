package io.heroncp.bench;

import io.heroncp.bench.LoadGenerator.Result;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load benchmark of the running service on loopback (README "Benchmark"): read throughput against
 * the framework floor ({@code GET /api/v1/version}) in the same run, list latency and heap with
 * many topologies recorded, restart to ready, Aurora status calls per minute with and without
 * reads, and submit latency against the raw ZooKeeper floor. It prints figures and the issue's
 * targets next to them; it asserts nothing.
 *
 * <p>It runs three processes besides itself ({@link ServiceProcess}): a ZooKeeper server, the
 * standalone Aurora simulator, and the service with both of its embedded parts off, started as the
 * container image starts it.
 *
 * <p>Settings (system properties): {@code bench.topologies} (10000), {@code bench.phase} seconds
 * per measured phase (10), {@code bench.warmup} seconds (5), {@code bench.workers} (8), {@code
 * bench.seed-workers} (4), {@code bench.submit-samples} (100), {@code bench.reads-per-second}
 * (1000), {@code bench.jar} (the built jar), {@code bench.jvm-args} ({@code -Xmx2g}, the
 * service's), {@code bench.cds} ({@code true}: extracted jar and class-data-sharing archive as in
 * the image; {@code false}: {@code java -jar}), {@code bench.zookeeper-heap} and {@code
 * bench.simulator-heap} ({@code 1g} each), {@code bench.running-wait} seconds for every seeded
 * topology to be RUNNING (600), {@code bench.restarts} (3), {@code bench.url} + {@code
 * bench.zookeeper} to attach to a running service instead of starting one.
 */
public final class LoadBenchmark {

  /** The first scale at which reads are measured: enough for a full list page of 100. */
  private static final int SMALL_SCALE = 300;

  private final ServiceProcess service;
  private final LoadGenerator load;
  private final ServiceMetrics metrics;
  private final TopologySeeder seeder;
  private final Duration phase;
  private final Duration warmup;
  private final Duration runningWait = Duration.ofSeconds((long) number("bench.running-wait", 600));
  private final JsonMapper json = JsonMapper.builder().build();

  private LoadBenchmark(ServiceProcess service, LoadGenerator load, Duration phase, Duration warmup)
      throws Exception {
    this.service = service;
    this.load = load;
    this.metrics = new ServiceMetrics(load.client(), service);
    this.seeder = new TopologySeeder(load.client(), service);
    this.phase = phase;
    this.warmup = warmup;
  }

  public static void main(String[] args) throws Exception {
    // The figures are the output: keep Curator's and ZooKeeper's client INFO lines out of it.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    int topologies = Integer.getInteger("bench.topologies", 10_000);
    Duration phase = Duration.ofMillis((long) (number("bench.phase", 10) * 1000));
    Duration warmup = Duration.ofMillis((long) (number("bench.warmup", 5) * 1000));
    int workers = Integer.getInteger("bench.workers", 8);
    int seedWorkers = Integer.getInteger("bench.seed-workers", 4);
    int submitSamples = Math.min(Integer.getInteger("bench.submit-samples", 100), topologies);
    double readsPerSecond = number("bench.reads-per-second", 1000);
    String url = System.getProperty("bench.url", "");
    ServiceProcess service;
    if (url.isBlank()) {
      Path jar = Path.of(System.getProperty("bench.jar", ""));
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path work = Path.of("target", "bench", stamp);
      List<String> jvmArgs =
          Arrays.stream(System.getProperty("bench.jvm-args", "-Xmx2g").trim().split("\\s+"))
              .filter(a -> !a.isEmpty())
              .toList();
      String zooKeeperHeap = System.getProperty("bench.zookeeper-heap", "1g");
      String simulatorHeap = System.getProperty("bench.simulator-heap", "1g");
      boolean cds = !"false".equals(System.getProperty("bench.cds", "true"));
      long start = System.nanoTime();
      service = ServiceProcess.start(jar, work, jvmArgs, cds, zooKeeperHeap, simulatorHeap);
      System.out.printf(
          "Processes (fresh data and logs in %s):%n"
              + "  ZooKeeper server   %s, -Xmx%s%n"
              + "  Aurora simulator   127.0.0.1:%d (StandaloneSimulator, same jar), -Xmx%s,"
              + " found by the service through ZooKeeper%n"
              + "  service            %s, JVM %s; embedded ZooKeeper and simulator off%n"
              + "                     started %s; all three ready in %s%n",
          work.toAbsolutePath(),
          service.zooKeeper(),
          zooKeeperHeap,
          service.cluster().simulatorPort(),
          simulatorHeap,
          service.url("/"),
          String.join(" ", jvmArgs),
          service.launchedAs().how(),
          millis(System.nanoTime() - start));
    } else {
      String zk = System.getProperty("bench.zookeeper", "");
      service = ServiceProcess.attach(URI.create(url), zk.isBlank() ? null : zk);
      System.out.printf("Service: attached to %s%n", url);
    }
    System.out.printf(
        "Settings: %d topologies, phases %ss (warm-up %ss excluded), %d workers, java.net.http;"
            + " load average %s%n",
        topologies, phase.toMillis() / 1000.0, warmup.toMillis() / 1000.0, workers, loadAverage());
    try (service;
        LoadGenerator load = new LoadGenerator(workers)) {
      new LoadBenchmark(service, load, phase, warmup)
          .run(topologies, submitSamples, seedWorkers, readsPerSecond);
    }
  }

  private void run(int topologies, int submitSamples, int seedWorkers, double readsPerSecond)
      throws Exception {
    submits(submitSamples);

    int small = Math.min(SMALL_SCALE, topologies);
    seed(submitSamples, small, seedWorkers);
    Reads smallReads = reads(small);
    auroraCalls(readsPerSecond);
    double smallHeap = heapAfterGc();
    System.out.printf("%nHeap after GC with %d topologies: %s%n", small, megabytes(smallHeap));

    Reads scaleReads = smallReads;
    double heap = smallHeap;
    if (topologies > small) {
      seed(small, topologies, seedWorkers);
      scaleReads = reads(topologies);
      heap = heapAfterGc();
    }

    System.out.printf("%nWith %d topologies recorded%n", topologies);
    row("list page of 100, p50", ms(scaleReads.list.percentileMillis(50)), "");
    row("list page of 100, p99", ms(scaleReads.list.percentileMillis(99)), "< 50 ms");
    row("GET one / floor", ratio(scaleReads.one, scaleReads.floor), ">= 0.8");
    row("list page / floor", ratio(scaleReads.list, scaleReads.floor), ">= 0.5");
    row("heap after GC", megabytes(heap), "< 256 MB");
    if (topologies > small) {
      row(
          "heap per topology",
          String.format("%.1f KB", (heap - smallHeap) / (topologies - small) / 1024),
          "");
    }
    if (service.attached()) {
      row("restart to ready", "n/a (attached)", "< 10 s");
    } else {
      restart(topologies);
      System.out.printf(
          "%nThe other processes' heap after GC: ZooKeeper %s, simulator %s%n",
          megabytes(ServiceProcess.heapAfterGc(service.cluster().zooKeeper().pid())),
          megabytes(ServiceProcess.heapAfterGc(service.cluster().simulator().pid())));
    }
    System.out.printf("Load average at the end (1, 5, 15 min): %s%n", loadAverage());
  }

  /** The host's load average (1, 5, 15 minutes): on shared cores, what the figures ran against. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0]
          + " "
          + fields[1]
          + " "
          + fields[2]
          + " ("
          + Runtime.getRuntime().availableProcessors()
          + " cores)";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private void seed(int from, int to, int workers) throws InterruptedException {
    if (to <= from) {
      return;
    }
    System.out.printf("%nSeeding topologies %d to %d with %d workers...%n", from, to - 1, workers);
    long start = System.nanoTime();
    seeder.parallel(from, to, workers);
    double took = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "Seeded %d in %.1f s (%.1f submits/s)%n", to - from, took, (to - from) / took);
    awaitRunning(to);
  }

  /**
   * Waits (at most {@code bench.running-wait}) until the simulator runs every recorded topology's
   * tasks and the service says so: the {@code heroncp_topologies} gauge of state RUNNING (re-read
   * every 5 s).
   */
  private void awaitRunning(int topologies) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + runningWait.toNanos();
    double running = metrics.topologies("RUNNING");
    while (running < topologies && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      running = metrics.topologies("RUNNING");
    }
    System.out.printf(
        "RUNNING: %.0f of %d (%d simulated tasks), %.1f s after the last submit answered%s%n",
        running,
        topologies,
        3 * (long) running,
        (System.nanoTime() - start) / 1e9,
        running < topologies
            ? ": the simulator did not keep up within bench.running-wait (" + runningWait + ")"
            : "");
  }

  /** Submit latency against the ZooKeeper floor, a dry run and Aurora's createJob. */
  private void submits(int samples) throws Exception {
    String zk = service.zooKeeper();
    long[] floor = zk == null ? new long[0] : ZooKeeperFloor.multiLatencies(zk, 500, 1000);
    seeder.sequential(90_000, 90_005, true);
    long[] dryRun = seeder.sequential(90_005, 90_025, true);
    List<ServiceMetrics.Sample> before = metrics.scrape();
    long[] submit = seeder.sequential(0, samples, false);
    List<ServiceMetrics.Sample> after = metrics.scrape();
    double requestOps = ServiceMetrics.zooKeeperOperations(before, after, "request") / samples;
    double backgroundOps =
        ServiceMetrics.zooKeeperOperations(before, after, "background") / samples;
    String createJob = "method=\"createJob\"";
    TreeMap<Double, Double> jobBefore =
        ServiceMetrics.buckets(before, "heroncp_aurora_calls_seconds", createJob);
    TreeMap<Double, Double> jobAfter =
        ServiceMetrics.buckets(after, "heroncp_aurora_calls_seconds", createJob);
    double createJobP50 = ServiceMetrics.percentileMillis(jobBefore, jobAfter, 50);
    double floorP50 = percentile(floor, 50);
    double dryP50 = percentile(dryRun, 50);
    double submitP50 = percentile(submit, 50);
    double model = dryP50 + createJobP50 + requestOps * floorP50;

    System.out.printf("%nSubmit (%d sequential submits of word-count, 3 containers)%n", samples);
    row("submit p50 / p99", ms(submitP50) + " / " + ms(percentile(submit, 99)), "");
    row("dry run p50", ms(dryP50), "");
    row("Aurora createJob p50 (histogram bucket)", ms(createJobP50), "");
    row(
        "ZooKeeper 3-op multi p50 / p99 (floor)",
        zk == null ? "n/a: set bench.zookeeper" : ms(floorP50) + " / " + ms(percentile(floor, 99)),
        "");
    row(
        "ZooKeeper round trips per submit, request path",
        String.format("%.1f", requestOps),
        "<= 5");
    ServiceMetrics.zooKeeperOperationsByKind(before, after, "request")
        .forEach(
            (kind, count) ->
                row(
                    "    " + kind.replace("Impl-", " "),
                    String.format("%.1f", count / samples),
                    ""));
    row("  and in the background meanwhile (per submit)", String.format("%.1f", backgroundOps), "");
    row("dry run + createJob + round trips x floor", ms(model), "");
    row("submit p50 / that sum", String.format("%.2f", submitP50 / model), "");
    row("submit p50 / ZooKeeper floor p50", String.format("%.0f", submitP50 / floorP50), "");
  }

  private record Reads(Result floor, Result one, Result list) {}

  /** Floor, GET one and a list page, each warmed up, then measured in two interleaved halves. */
  private Reads reads(int scale) {
    URI floorUrl = service.url("/api/v1/version");
    URI oneUrl = service.url(TopologySeeder.path(0));
    URI listUrl = service.url("/api/v1/topologies?cluster=local&page_size=100");
    for (URI url : List.of(floorUrl, oneUrl, listUrl)) {
      load.closedLoop(url, warmup);
    }
    Duration half = phase.dividedBy(2);
    Result floor = Result.empty();
    Result one = Result.empty();
    Result list = Result.empty();
    for (int round = 0; round < 2; round++) {
      floor = floor.plus(load.closedLoop(floorUrl, half));
      one = one.plus(load.closedLoop(oneUrl, half));
      list = list.plus(load.closedLoop(listUrl, half));
    }
    System.out.printf(
        "%nReads with %d topologies    %9s %9s %9s %7s  target%n",
        scale, "req/s", "p50 ms", "p99 ms", "ratio");
    readRow("GET /api/v1/version (floor)", floor, floor, "");
    readRow("GET one topology", one, floor, ">= 0.8");
    readRow("GET list, page of 100", list, floor, ">= 0.5");
    return new Reads(floor, one, list);
  }

  private static void readRow(String what, Result r, Result floor, String target) {
    System.out.printf(
        "  %-28s %9.0f %9.2f %9.2f %7s  %s%s%n",
        what,
        r.throughput(),
        r.percentileMillis(50),
        r.percentileMillis(99),
        ratio(r, floor),
        target,
        r.errors() > 0 ? "  (" + r.errors() + " errors)" : "");
  }

  /** Aurora status calls per minute, idle and under a fixed rate of GET one. */
  private void auroraCalls(double readsPerSecond) throws InterruptedException {
    ServiceMetrics.StatusCalls idleStart = metrics.statusCalls();
    long start = System.nanoTime();
    Thread.sleep(phase.toMillis());
    ServiceMetrics.StatusCalls idleEnd = metrics.statusCalls();
    double idleMinutes = (System.nanoTime() - start) / 60e9;
    ServiceMetrics.StatusCalls busyStart = metrics.statusCalls();
    Result reads = load.atRate(service.url(TopologySeeder.path(0)), phase, readsPerSecond);
    ServiceMetrics.StatusCalls busyEnd = metrics.statusCalls();
    System.out.printf("%nAurora status calls (metric %s)%n", busyEnd.source());
    row(
        "per minute, 0 reads/s",
        String.format("%.0f", (idleEnd.count() - idleStart.count()) / idleMinutes),
        "equal within the poll schedule");
    row(
        String.format(
            "per minute, %.0f reads/s asked (%.0f done)", readsPerSecond, reads.throughput()),
        String.format("%.0f", (busyEnd.count() - busyStart.count()) / (reads.seconds() / 60)),
        "equal within the poll schedule");
  }

  private double heapAfterGc() throws Exception {
    if (!service.collectGarbage()) {
      System.out.println("(heap read without a GC: attached to a service, or jcmd failed)");
    }
    return metrics.heapUsedBytes();
  }

  /**
   * Restart to ready, and to a first list page that holds every topology it should: {@code
   * bench.restarts} times (3), each printed, the median against the target (one restart on shared
   * cores swings by a second).
   */
  private void restart(int topologies) throws Exception {
    int restarts = Math.max(1, Integer.getInteger("bench.restarts", 3));
    long[] ready = new long[restarts];
    for (int i = 0; i < restarts; i++) {
      long start = System.nanoTime();
      ready[i] = service.restart().toNanos();
      Duration readyCpu = service.cpuTime();
      int expected = Math.min(topologies, 100);
      HttpRequest list =
          HttpRequest.newBuilder(service.url("/api/v1/topologies?cluster=local&page_size=100"))
              .build();
      while (true) {
        HttpResponse<String> page = load.client().send(list, HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() == 200
            && json.readTree(page.body()).get("topologies").size() >= expected) {
          break;
        }
        Thread.sleep(20);
      }
      String which = "restart " + (i + 1) + " of " + restarts;
      row(which + " to ready (readiness UP)", millis(ready[i]), "");
      row("  the service's CPU time until ready", millis(readyCpu.toNanos()), "");
      row("  to full first list page", millis(System.nanoTime() - start), "");
    }
    long[] sorted = ready.clone();
    Arrays.sort(sorted);
    row("restart to ready, median", millis(sorted[restarts / 2]), "< 10 s");
  }

  private static void row(String what, String value, String target) {
    System.out.printf(
        "  %-44s %16s  %s%n", what, value, target.isEmpty() ? "" : "target " + target);
  }

  private static String ratio(Result r, Result floor) {
    return String.format("%.3f", r.throughput() / floor.throughput());
  }

  private static double percentile(long[] nanos, double p) {
    return new Result(nanos.length, 0, 0, nanos).percentileMillis(p);
  }

  private static String ms(double millis) {
    return String.format("%.2f ms", millis);
  }

  private static String millis(long nanos) {
    return String.format("%.2f s", nanos / 1e9);
  }

  private static String megabytes(double bytes) {
    return String.format("%.0f MB", bytes / (1024 * 1024));
  }

  private static double number(String property, double defaultValue) {
    String value = System.getProperty(property);
    return value == null || value.isBlank() ? defaultValue : Double.parseDouble(value);
  }
}
