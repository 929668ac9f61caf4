package io.heroncp.simulator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.heroncp.heron.HeronTopologyState;
import io.heroncp.heron.proto.PhysicalPlans;
import io.heroncp.heron.proto.TopologyAPI;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heron's TManager controller ({@code tcontroller.cpp}) as the {@link TopologyManagerStandIn}
 * serves it, one port for all topologies told apart by {@code topologyid}: {@code /activate},
 * {@code /deactivate} and {@code /runtime_config/update} change the topology's physical plan in
 * ZooKeeper, with Heron's status codes and messages (in the body, as plain text). Each change runs
 * under the stand-in's lock.
 */
final class TManagerControllerEndpoint implements HttpHandler {

  static final String MISSING_ID = "Missing 'topologyid' argument in the request";
  static final String ID_MISMATCH = "Topology id does not match";
  static final String NOT_INITIALIZED =
      "Tmanager still not initialized (physical plan is not available)";
  static final String ACTIVATED = "Topology successfully activated";
  static final String DEACTIVATED = "Topology successfully deactivated";
  // Heron answers a wrong state with an empty 400; these are the lines its TManager logs at that
  // point.
  static final String NOT_PAUSED = "Topology not in paused state";
  static final String NOT_RUNNING = "Topology not in running state";
  static final String NO_RUNTIME_CONFIG =
      "No runtime config is found. Usage: runtime-config=[COMPONENT:]<CONFIG>:<VALUE>.";
  static final String BAD_RUNTIME_CONFIG =
      "Failed to parse runtime configs. Possibly bad format."
          + " The expected format is [COMPONENT:]<CONFIG>:<VALUE>.";
  static final String INVALID_RUNTIME_CONFIG = "Failed to validate runtime configs";
  static final String RUNTIME_CONFIG_UPDATED = "Runtime config updated";

  /** Heron's {@code TopologyConfigHelper} key for topology-level runtime config. */
  static final String TOPOLOGY_CONFIG_KEY = "_topology_";

  /** Heron's suffix for runtime config keys in the physical plan's topology. */
  static final String RUNTIME_CONFIG_POSTFIX = ":runtime";

  private static final Logger log = LoggerFactory.getLogger(TManagerControllerEndpoint.class);

  private final Object lock;
  private final CuratorFramework curator;
  private final Function<String, ServedTopology> servedById;

  /**
   * @param lock the stand-in's lock, held while a physical plan is read and rewritten
   * @param curator the ZooKeeper client holding Heron's state
   * @param servedById the topology served under an id, or null
   */
  TManagerControllerEndpoint(
      Object lock, CuratorFramework curator, Function<String, ServedTopology> servedById) {
    this.lock = lock;
    this.curator = curator;
    this.servedById = servedById;
  }

  /** An HTTP answer: status and plain-text body. */
  record Answer(int status, String body) {}

  @Override
  public void handle(HttpExchange exchange) {
    try (exchange) {
      Answer answer;
      try {
        Map<String, List<String>> parameters = parameters(exchange.getRequestURI().getRawQuery());
        answer =
            switch (exchange.getRequestURI().getPath()) {
              case "/activate" ->
                  transition(
                      parameters,
                      HeronTopologyState.PAUSED,
                      HeronTopologyState.RUNNING,
                      ACTIVATED,
                      NOT_PAUSED);
              case "/deactivate" ->
                  transition(
                      parameters,
                      HeronTopologyState.RUNNING,
                      HeronTopologyState.PAUSED,
                      DEACTIVATED,
                      NOT_RUNNING);
              case "/runtime_config/update" -> updateRuntimeConfig(parameters);
              default -> new Answer(404, "Not Supported");
            };
      } catch (RuntimeException e) {
        log.warn(
            "Topology manager stand-in failed on {}: {}", exchange.getRequestURI(), e.toString());
        answer = new Answer(500, e.toString());
      }
      log.debug(
          "{} {} -> {} {}",
          exchange.getRequestMethod(),
          exchange.getRequestURI(),
          answer.status(),
          answer.body());
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    } catch (IOException e) {
      log.debug("Could not answer {}: {}", exchange.getRequestURI(), e.toString());
    }
  }

  private Answer transition(
      Map<String, List<String>> parameters,
      HeronTopologyState from,
      HeronTopologyState to,
      String done,
      String wrongState) {
    synchronized (lock) {
      return withPhysicalPlan(
          parameters,
          (served, plan) -> {
            if (!from.name().equals(plan.getTopology().getState().name())) {
              return new Answer(400, wrongState);
            }
            PhysicalPlans.PhysicalPlan changed =
                plan.toBuilder()
                    .setTopology(
                        plan.getTopology().toBuilder()
                            .setState(TopologyAPI.TopologyState.valueOf(to.name())))
                    .build();
            return writePhysicalPlan(served, changed, done);
          });
    }
  }

  private Answer updateRuntimeConfig(Map<String, List<String>> parameters) {
    synchronized (lock) {
      return withPhysicalPlan(
          parameters,
          (served, plan) -> {
            List<String> values = parameters.get("runtime-config");
            if (values == null || values.isEmpty()) {
              return new Answer(400, NO_RUNTIME_CONFIG);
            }
            // Component (or _topology_) -> key -> value; sorted, as Heron's std::map is.
            Map<String, Map<String, String>> config = new TreeMap<>();
            for (String value : values) {
              String[] segments = value.split(":", -1);
              if (segments.length == 2) {
                config
                    .computeIfAbsent(TOPOLOGY_CONFIG_KEY, k -> new TreeMap<>())
                    .put(segments[0], segments[1]);
              } else if (segments.length == 3) {
                config
                    .computeIfAbsent(segments[0], k -> new TreeMap<>())
                    .put(segments[1], segments[2]);
              } else {
                return new Answer(400, BAD_RUNTIME_CONFIG);
              }
            }
            TopologyAPI.Topology.Builder topology = plan.getTopology().toBuilder();
            Set<String> components = new HashSet<>();
            topology.getSpoutsList().forEach(spout -> components.add(spout.getComp().getName()));
            topology.getBoltsList().forEach(bolt -> components.add(bolt.getComp().getName()));
            for (String component : config.keySet()) {
              if (!TOPOLOGY_CONFIG_KEY.equals(component) && !components.contains(component)) {
                return new Answer(400, INVALID_RUNTIME_CONFIG);
              }
            }
            for (Map.Entry<String, Map<String, String>> entry : config.entrySet()) {
              Map<String, String> runtime = new TreeMap<>();
              entry
                  .getValue()
                  .forEach((key, value) -> runtime.put(key + RUNTIME_CONFIG_POSTFIX, value));
              if (TOPOLOGY_CONFIG_KEY.equals(entry.getKey())) {
                if (topology.hasTopologyConfig()) {
                  setRuntimeConfig(topology.getTopologyConfigBuilder(), runtime);
                }
                continue;
              }
              for (TopologyAPI.Spout.Builder spout : topology.getSpoutsBuilderList()) {
                if (spout.getComp().getName().equals(entry.getKey())) {
                  setRuntimeConfig(spout.getCompBuilder().getConfigBuilder(), runtime);
                }
              }
              for (TopologyAPI.Bolt.Builder bolt : topology.getBoltsBuilderList()) {
                if (bolt.getComp().getName().equals(entry.getKey())) {
                  setRuntimeConfig(bolt.getCompBuilder().getConfigBuilder(), runtime);
                }
              }
            }
            return writePhysicalPlan(
                served, plan.toBuilder().setTopology(topology).build(), RUNTIME_CONFIG_UPDATED);
          });
    }
  }

  /**
   * Heron's {@code UpdateRuntimeConfigFromKVMap}: update existing keys in place, then append the
   * new ones.
   */
  private static void setRuntimeConfig(
      TopologyAPI.Config.Builder config, Map<String, String> runtime) {
    Set<String> updated = new HashSet<>();
    for (TopologyAPI.Config.KeyValue.Builder kv : config.getKvsBuilderList()) {
      String value = runtime.get(kv.getKey());
      if (value != null) {
        kv.setValue(value);
        updated.add(kv.getKey());
      }
    }
    runtime.forEach(
        (key, value) -> {
          if (!updated.contains(key)) {
            config.addKvs(TopologyAPI.Config.KeyValue.newBuilder().setKey(key).setValue(value));
          }
        });
  }

  /**
   * Heron's {@code ValidateTopology}: the id must be given and served, and the physical plan must
   * exist.
   */
  private Answer withPhysicalPlan(Map<String, List<String>> parameters, PlanAction action) {
    List<String> ids = parameters.get("topologyid");
    String id = ids == null || ids.isEmpty() ? "" : ids.get(0);
    if (id.isEmpty()) {
      return new Answer(400, MISSING_ID);
    }
    ServedTopology served = servedById.apply(id);
    if (served == null) {
      return new Answer(400, ID_MISMATCH);
    }
    PhysicalPlans.PhysicalPlan plan;
    try {
      plan =
          PhysicalPlans.PhysicalPlan.parseFrom(
              curator.getData().forPath(served.paths.physicalPlan(served.name)));
    } catch (KeeperException.NoNodeException e) {
      return new Answer(500, NOT_INITIALIZED);
    } catch (InvalidProtocolBufferException e) {
      return new Answer(
          500,
          "The physical plan of "
              + served.name
              + " is not a Heron PhysicalPlan: "
              + e.getMessage());
    } catch (Exception e) {
      return new Answer(500, "Could not read the physical plan of " + served.name + ": " + e);
    }
    return action.apply(served, plan);
  }

  private Answer writePhysicalPlan(
      ServedTopology served, PhysicalPlans.PhysicalPlan plan, String done) {
    try {
      curator.setData().forPath(served.paths.physicalPlan(served.name), plan.toByteArray());
    } catch (Exception e) {
      log.warn("Could not write the physical plan of {}: {}", served.name, e.toString());
      return new Answer(500, "Could not write the physical plan of " + served.name + ": " + e);
    }
    log.info("{}: {} (state {})", served.name, done, plan.getTopology().getState());
    return new Answer(200, done);
  }

  private static Map<String, List<String>> parameters(String rawQuery) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name =
          URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value =
          equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      parameters.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return parameters;
  }

  @FunctionalInterface
  private interface PlanAction {
    Answer apply(ServedTopology served, PhysicalPlans.PhysicalPlan plan);
  }
}
