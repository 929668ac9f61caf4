package io.heroncp.heron;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Heron finds a topology's scheduler ({@code schedulers/<name>}, protobuf {@code
 * heron.proto.scheduler.SchedulerLocation}).
 */
public record SchedulerLocation(
    String topologyName, String httpEndpoint, List<String> jobPageLinks) {

  /**
   * The endpoint Heron writes when the scheduler runs as a library (Aurora): no scheduler to call.
   */
  public static final String LIBRARY_ENDPOINT = "scheduler_as_lib_no_endpoint";

  private static final Pattern URL = Pattern.compile("(.+)://(.+)");
  private static final Pattern TOKEN = Pattern.compile("^\\$\\{([A-Z_]+)}$");

  public SchedulerLocation {
    jobPageLinks = List.copyOf(jobPageLinks);
  }

  /**
   * The location Heron's Aurora scheduler writes ({@code LauncherUtils.setLibSchedulerLocation}):
   * endpoint {@value #LIBRARY_ENDPOINT} and one job page link from {@code
   * heron.scheduler.job.link.template}, or no link when the template is null or empty.
   */
  public static SchedulerLocation forAurora(
      String topologyName, String jobLinkTemplate, String cluster, String role, String environ) {
    List<String> links = new ArrayList<>();
    if (jobLinkTemplate != null && !jobLinkTemplate.isEmpty()) {
      links.add(
          expand(
              jobLinkTemplate,
              Map.of(
                  "CLUSTER",
                  cluster,
                  "ROLE",
                  role,
                  "ENVIRON",
                  environ,
                  "TOPOLOGY",
                  topologyName,
                  "TOPOLOGY_NAME",
                  topologyName)));
    }
    return new SchedulerLocation(topologyName, LIBRARY_ENDPOINT, links);
  }

  /**
   * Expands {@code ${TOKEN}} path segments the way Heron's {@code TokenSub.substitute} does: only a
   * whole {@code /}-separated segment is a token, unknown tokens stay as written, empty segments
   * collapse.
   */
  static String expand(String template, Map<String, String> tokens) {
    String trimmed = template.trim();
    Matcher url = URL.matcher(trimmed);
    if (url.matches()) {
      return url.group(1) + "://" + expandPath(url.group(2), tokens);
    }
    return expandPath(trimmed, tokens);
  }

  private static String expandPath(String path, Map<String, String> tokens) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      Matcher token = TOKEN.matcher(segment);
      if (token.matches() && tokens.get(token.group(1)) != null) {
        segments.add(tokens.get(token.group(1)));
      } else if (!segment.isEmpty()) {
        segments.add(segment);
      }
    }
    return (path.startsWith("/") ? "/" : "") + String.join("/", segments);
  }
}
