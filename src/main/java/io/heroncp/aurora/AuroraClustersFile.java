package io.heroncp.aurora;

import io.heroncp.problems.InvalidFieldException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads Aurora's client {@code clusters.json} (a JSON list of cluster objects, see Aurora's {@code
 * docs/reference/client-cluster-configuration.md}) into per-cluster scheduler discovery. Stateless.
 */
public final class AuroraClustersFile {

  private AuroraClustersFile() {}

  /**
   * One cluster entry. {@code zkPort} defaults to 2181, {@code schedulerZkPath} to {@code
   * /aurora/scheduler}, {@code authMechanism} to {@code UNAUTHENTICATED}.
   */
  public record Entry(
      String name,
      String zk,
      int zkPort,
      String schedulerZkPath,
      URI schedulerUri,
      String authMechanism,
      String proxyUrl) {

    /**
     * The scheduler discovery this entry describes: the serverset when {@code zk} is set (as
     * Aurora's client prefers), otherwise {@code scheduler_uri}.
     *
     * @throws IllegalArgumentException it names neither
     */
    public SchedulerDiscovery discovery() {
      if (zk != null && !zk.isBlank()) {
        return SchedulerDiscovery.zookeeper(connectString(), schedulerZkPath);
      }
      if (schedulerUri != null) {
        return SchedulerDiscovery.staticUrl(schedulerUri);
      }
      throw new IllegalArgumentException(
          "clusters.json entry " + name + " has neither zk nor scheduler_uri");
    }

    /** {@code zk} with {@code zk_port} added to every host that names no port. */
    public String connectString() {
      return Arrays.stream(zk.split(","))
          .map(String::trim)
          .filter(host -> !host.isEmpty())
          .map(host -> host.contains(":") ? host : host + ":" + zkPort)
          .collect(Collectors.joining(","));
    }
  }

  /** Reads a clusters.json file, keyed by cluster name in file order. */
  public static Map<String, Entry> read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Aurora clusters file " + file, e);
    }
  }

  /** Parses clusters.json content. */
  public static Map<String, Entry> parse(String content) {
    JsonNode root;
    try {
      root = AuroraJson.MAPPER.readTree(content);
    } catch (JacksonException e) {
      throw new InvalidFieldException(
          "Aurora clusters.json is not valid JSON: " + e.getOriginalMessage(),
          "auroraClustersJson",
          e);
    }
    if (!root.isArray()) {
      throw new InvalidFieldException(
          "Aurora clusters.json must be a JSON list of cluster objects", "auroraClustersJson");
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (JsonNode node : root) {
      String name = text(node, "name", null);
      if (name == null || name.isBlank()) {
        throw new InvalidFieldException(
            "every Aurora clusters.json entry needs a name", "auroraClustersJson");
      }
      String uri = text(node, "scheduler_uri", null);
      entries.put(
          name,
          new Entry(
              name,
              text(node, "zk", null),
              node.path("zk_port").asInt(2181),
              text(node, "scheduler_zk_path", "/aurora/scheduler"),
              uri == null || uri.isBlank() ? null : URI.create(uri),
              text(node, "auth_mechanism", "UNAUTHENTICATED"),
              text(node, "proxy_url", null)));
    }
    return entries;
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? fallback : value.asString();
  }
}
