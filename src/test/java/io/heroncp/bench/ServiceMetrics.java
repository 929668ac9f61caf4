package io.heroncp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the service's own figures: Prometheus samples and actuator metrics. */
final class ServiceMetrics {

  /** The Aurora status metric the live-state work adds; preferred when the service has it. */
  static final String STATUS_CALLS = "heroncp_aurora_status_calls_total";

  /** Every Thrift exchange with Aurora, by method; status reads are getTasksWithoutConfigs. */
  static final String AURORA_CALLS = "heroncp_aurora_calls_seconds_count";

  /** Curator-traced ZooKeeper operations, tagged {@code context} request or background. */
  static final String ZOOKEEPER_OPERATIONS = "heroncp_zookeeper_operations_seconds_count";

  /** One Prometheus sample line: name, labels as written, value. */
  record Sample(String name, String labels, double value) {}

  private final HttpClient client;
  private final URI prometheus;
  private final URI heap;
  private final JsonMapper json = JsonMapper.builder().build();

  ServiceMetrics(HttpClient client, ServiceProcess service) {
    this.client = client;
    this.prometheus = service.url("/actuator/prometheus");
    this.heap = service.url("/actuator/metrics/jvm.memory.used?tag=area:heap");
  }

  List<Sample> scrape() {
    List<Sample> samples = new ArrayList<>();
    for (String line : get(prometheus).split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      int brace = series.indexOf('{');
      String name = brace < 0 ? series : series.substring(0, brace);
      String labels = brace < 0 ? "" : series.substring(brace);
      samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return samples;
  }

  static double sum(List<Sample> samples, String name, Predicate<String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && labels.test(s.labels()))
        .mapToDouble(Sample::value)
        .sum();
  }

  /**
   * ZooKeeper operations in {@code context} ({@code request}: on a thread serving an HTTP request;
   * {@code background}: caches, watches, the status watcher, leader tasks) between two scrapes.
   */
  static double zooKeeperOperations(List<Sample> before, List<Sample> after, String context) {
    String label = "context=\"" + context + "\"";
    return sum(after, ZOOKEEPER_OPERATIONS, l -> l.contains(label))
        - sum(before, ZOOKEEPER_OPERATIONS, l -> l.contains(label));
  }

  /** Per {@code kind}, the ZooKeeper operations in {@code context} between two scrapes. */
  static Map<String, Double> zooKeeperOperationsByKind(
      List<Sample> before, List<Sample> after, String context) {
    String label = "context=\"" + context + "\"";
    Map<String, Double> byKind = new TreeMap<>();
    for (Sample s : after) {
      if (s.name().equals(ZOOKEEPER_OPERATIONS) && s.labels().contains(label)) {
        byKind.merge(kind(s.labels()), s.value(), Double::sum);
      }
    }
    for (Sample s : before) {
      if (s.name().equals(ZOOKEEPER_OPERATIONS) && s.labels().contains(label)) {
        byKind.merge(kind(s.labels()), -s.value(), Double::sum);
      }
    }
    byKind.values().removeIf(v -> v == 0);
    return byKind;
  }

  private static String kind(String labels) {
    return labels.replaceAll(".*kind=\"([^\"]+)\".*", "$1");
  }

  /** The {@code heroncp_topologies} gauge of cluster {@code local} in {@code state}. */
  double topologies(String state) {
    String label = "state=\"" + state + "\"";
    return sum(
        scrape(), "heroncp_topologies", l -> l.contains("cluster=\"local\"") && l.contains(label));
  }

  static boolean has(List<Sample> samples, String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /**
   * Aurora status calls so far, and which metric they came from: the dedicated counter when the
   * service has one, else the Thrift call timer's getTasksWithoutConfigs count.
   */
  record StatusCalls(double count, String source) {}

  StatusCalls statusCalls() {
    List<Sample> samples = scrape();
    if (has(samples, STATUS_CALLS)) {
      return new StatusCalls(sum(samples, STATUS_CALLS, l -> true), "heroncp.aurora.status.calls");
    }
    return new StatusCalls(
        sum(samples, AURORA_CALLS, l -> l.contains("method=\"getTasksWithoutConfigs\"")),
        "heroncp.aurora.calls{method=getTasksWithoutConfigs}");
  }

  /** Cumulative histogram buckets (upper bound in seconds to count) of a timer, by label filter. */
  static TreeMap<Double, Double> buckets(List<Sample> samples, String timer, String labelPart) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (Sample s : samples) {
      if (s.name().equals(timer + "_bucket") && s.labels().contains(labelPart)) {
        String le = s.labels().replaceAll(".*le=\"([^\"]+)\".*", "$1");
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        buckets.merge(bound, s.value(), Double::sum);
      }
    }
    return buckets;
  }

  /** The p-th percentile (in ms, a bucket's upper bound) of what was added between two scrapes. */
  static double percentileMillis(
      TreeMap<Double, Double> before, TreeMap<Double, Double> after, double p) {
    double total = 0;
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      total = Math.max(total, e.getValue() - before.getOrDefault(e.getKey(), 0.0));
    }
    if (total == 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      if (e.getValue() - before.getOrDefault(e.getKey(), 0.0) >= p / 100 * total) {
        return e.getKey() * 1000;
      }
    }
    return Double.NaN;
  }

  /** Heap in use (bytes) as the service's JVM reports it. */
  double heapUsedBytes() {
    JsonNode body = json.readTree(get(heap));
    return body.get("measurements").get(0).get("value").asDouble();
  }

  private String get(URI uri) {
    try {
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(uri + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
