package io.heroncp.aurora;

import io.heroncp.heron.ExecutorConfigRules;
import io.heroncp.heron.HeronConfigKeys;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.topology.JobRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code heron-executor} command line of Heron's {@code heron.aurora} template: the
 * per-container port flags with Thermos port references, then every topology-wide flag of Heron's
 * {@code SchedulerUtils.addExecutorTopologyArgs} in Heron's order, with cluster-mode (sandbox)
 * paths. Pure function of its inputs; thread-safe.
 *
 * <p>The result still holds the Thermos references {@code {{mesos.instance}}} and {@code
 * {{thermos.ports[x]}}}; the executor binds them per instance on the agent.
 */
public final class HeronExecutorCommand {

  /**
   * Config key for the JVM home inside the sandbox (Heron's {@code
   * heron.directory.sandbox.java.home}).
   */
  public static final String JAVA_HOME_KEY = "heron.directory.sandbox.java.home";

  /**
   * Thermos port names the command uses, in the template's order; each must be a {@code namedPort}.
   */
  public static final List<String> PORT_NAMES =
      List.of(
          "port1",
          "port2",
          "port3",
          "http",
          "port4",
          "scheduler",
          "metricscachemgr_serverport",
          "metricscachemgr_statsport",
          "ckptmgr_port");

  static final String CORE = "./heron-core";
  static final String CONF = "./heron-conf";
  static final String EXECUTOR_BINARY = CORE + "/bin/heron-executor";

  private static final long DEFAULT_CKPTMGR_RAM_BYTES = 1024L * 1024 * 1024;

  /** {@link #encodeJavaOpts}' output: base64 with {@code (61)}, in double quotes. */
  private static final Pattern ENCODED_OPTS = Pattern.compile("^\"[A-Za-z0-9+/()]*\"$");

  private HeronExecutorCommand() {}

  /**
   * The full command line for this request.
   *
   * @param request the job request (topology, packing plan, binary file name, effective config)
   * @param stateManagerConnection the ZooKeeper connect string Heron's processes use
   * @param stateManagerRoot Heron's state root in that ZooKeeper
   */
  public static String commandLine(
      JobRequest request, String stateManagerConnection, String stateManagerRoot) {
    List<String> parts = new ArrayList<>();
    parts.add(EXECUTOR_BINARY);
    parts.add("--shard={{mesos.instance}}");
    parts.add("--server-port={{thermos.ports[port1]}}");
    parts.add("--tmanager-controller-port={{thermos.ports[port2]}}");
    parts.add("--tmanager-stats-port={{thermos.ports[port3]}}");
    parts.add("--shell-port={{thermos.ports[http]}}");
    parts.add("--metrics-manager-port={{thermos.ports[port4]}}");
    parts.add("--scheduler-port={{thermos.ports[scheduler]}}");
    parts.add("--metricscache-manager-server-port={{thermos.ports[metricscachemgr_serverport]}}");
    parts.add("--metricscache-manager-stats-port={{thermos.ports[metricscachemgr_statsport]}}");
    parts.add("--checkpoint-manager-port={{thermos.ports[ckptmgr_port]}}");
    parts.addAll(topologyArguments(request, stateManagerConnection, stateManagerRoot));
    return String.join(" ", parts);
  }

  /**
   * Heron's topology-wide executor flags ({@code TOPOLOGY_ARGUMENTS}), each {@code --flag=value}.
   */
  public static List<String> topologyArguments(
      JobRequest request, String stateManagerConnection, String stateManagerRoot) {
    TopologyDefinition topology = request.topology();
    Map<String, String> config = request.config();
    String binary = request.topologyBinaryFile();
    List<String> args = new ArrayList<>();
    args.add(flag("topology-name", topology.name()));
    args.add(flag("topology-id", topology.id()));
    args.add(flag("topology-defn-file", topology.name() + ".defn"));
    args.add(flag("state-manager-connection", stateManagerConnection));
    args.add(flag("state-manager-root", stateManagerRoot));
    args.add(flag("state-manager-config-file", CONF + "/statemgr.yaml"));
    args.add(flag("tmanager-binary", CORE + "/bin/heron-tmanager"));
    args.add(flag("stmgr-binary", CORE + "/bin/heron-stmgr"));
    args.add(flag("metrics-manager-classpath", CORE + "/lib/metricsmgr/*"));
    args.add(
        flag(
            "instance-jvm-opts",
            encodeJavaOpts(setting(request, "topology.worker.childopts", ""))));
    args.add(
        flag(
            "classpath", classpath(binary, setting(request, "topology.additional.classpath", ""))));
    args.add(flag("heron-internals-config-file", CONF + "/heron_internals.yaml"));
    args.add(flag("override-config-file", CONF + "/override.yaml"));
    args.add(flag("component-ram-map", componentRamMap(request.packing())));
    args.add(
        flag(
            "component-jvm-opts",
            encodeJavaOpts(setting(request, "topology.component.jvmopts", ""))));
    args.add(flag("pkg-type", packageType(binary)));
    args.add(flag("topology-binary-file", binary));
    args.add(flag("heron-java-home", config.getOrDefault(JAVA_HOME_KEY, "${JAVA_HOME}")));
    args.add(flag("heron-shell-binary", CORE + "/bin/heron-shell"));
    args.add(flag("cluster", request.key().cluster()));
    args.add(flag("role", request.key().role()));
    args.add(flag("environment", request.key().environment()));
    args.add(flag("instance-classpath", CORE + "/lib/instance/*"));
    args.add(flag("metrics-sinks-config-file", CONF + "/metrics_sinks.yaml"));
    args.add(
        flag(
            "scheduler-classpath",
            CORE + "/lib/scheduler/*:" + CORE + "/lib/packing/*:" + CORE + "/lib/statemgr/*"));
    args.add(flag("python-instance-binary", CORE + "/bin/heron-python-instance"));
    args.add(flag("cpp-instance-binary", CORE + "/bin/heron-cpp-instance"));
    args.add(flag("metricscache-manager-classpath", CORE + "/lib/metricscachemgr/*"));
    args.add(
        flag(
            "metricscache-manager-mode",
            config.getOrDefault("heron.topology.metricscachemgr.mode", "disabled")));
    args.add(flag("is-stateful", Boolean.toString(isStateful(request))));
    args.add(
        flag(
            "checkpoint-manager-classpath",
            CORE
                + "/lib/ckptmgr/*:"
                + CORE
                + "/lib/statefulstorage/*:"
                + config.getOrDefault("heron.statefulstorage.classpath", "")));
    args.add(flag("stateful-config-file", CONF + "/stateful.yaml"));
    args.add(flag("checkpoint-manager-ram", Long.toString(checkpointManagerRam(request))));
    args.add(
        flag(
            "health-manager-mode",
            config.getOrDefault("heron.topology.healthmgr.mode", "disabled")));
    args.add(flag("health-manager-classpath", CORE + "/lib/healthmgr/*"));
    if (Boolean.parseBoolean(config.getOrDefault(HeronConfigKeys.VERBOSE_GC, "false"))) {
      args.add("--verbose-gc");
    }
    return args;
  }

  /** Heron's {@code PackageType}: from the binary's file name. */
  public static String packageType(String binaryFile) {
    String name = binaryFile.toLowerCase(Locale.ROOT);
    if (name.endsWith(".jar")) {
      return "jar";
    }
    if (name.endsWith(".tar") || name.endsWith(".tar.gz")) {
      return "tar";
    }
    if (name.endsWith(".pex")) {
      return "pex";
    }
    if (name.endsWith(".so")) {
      return "so";
    }
    if (name.endsWith(".dylib")) {
      return "dylib";
    }
    throw new IllegalArgumentException("unknown topology binary type: " + binaryFile);
  }

  /**
   * Heron's {@code TopologyUtils.makeClassPath}: the jar itself, or {@code libs/*:<name>.jar} for a
   * tar.
   */
  static String classpath(String binaryFile, String additional) {
    String classpath;
    if (binaryFile.endsWith(".jar")) {
      classpath = binaryFile;
    } else {
      classpath = "libs/*:" + binaryFile.replace(".tar.gz", "").replace(".tar", "") + ".jar";
    }
    return additional.isEmpty() ? classpath : classpath + ":" + additional;
  }

  /** {@code comp:bytes,comp:bytes} in the plan's first-seen order. */
  static String componentRamMap(PackingPlan packing) {
    return packing.componentRamMap().entrySet().stream()
        .map(entry -> entry.getKey() + ":" + entry.getValue())
        .collect(Collectors.joining(","));
  }

  /**
   * Heron's {@code SchedulerUtils.encodeJavaOpts}: base64, {@code =} written as {@code (61)}
   * (Aurora's command line handling mangles {@code =}), in double quotes.
   */
  static String encodeJavaOpts(String javaOpts) {
    String base64 = Base64.getEncoder().encodeToString(javaOpts.getBytes(StandardCharsets.UTF_8));
    return "\"" + base64.replace("=", "(61)") + "\"";
  }

  private static boolean isStateful(JobRequest request) {
    return "EFFECTIVELY_ONCE".equals(setting(request, "topology.reliability.mode", "ATMOST_ONCE"));
  }

  private static long checkpointManagerRam(JobRequest request) {
    String value = setting(request, "topology.stateful.ckptmgr.ram", "");
    if (value.isBlank()) {
      return DEFAULT_CKPTMGR_RAM_BYTES;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return DEFAULT_CKPTMGR_RAM_BYTES;
    }
  }

  /**
   * The topology's own config wins over the effective request config, as Heron reads these from the
   * topology.
   */
  private static String setting(JobRequest request, String key, String fallback) {
    String fromTopology = request.topology().config().get(key);
    if (fromTopology != null) {
      return fromTopology;
    }
    return request.config().getOrDefault(key, fallback);
  }

  /**
   * {@code --name=value}, the value as it is when it holds no shell syntax (Heron's own template
   * output), else single-quoted so that Thermos's shell passes it as one inert word.
   */
  private static String flag(String name, String value) {
    return "--" + name + "=" + shellWord(value);
  }

  /** The value unchanged when the shell reads it as one literal word, else single-quoted. */
  static String shellWord(String value) {
    if (ExecutorConfigRules.shellInert(value) || ENCODED_OPTS.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
