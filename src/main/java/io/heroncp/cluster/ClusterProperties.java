package io.heroncp.cluster;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One Heron cluster (= one Aurora cluster, same name), under {@code heroncp.clusters.<name>.*}.
 *
 * @param defaultEnvironment environment used when a submit leaves it out (heron-apiserver's {@code
 *     default} is not a valid Aurora environment)
 * @param allowedEnvironments the scheduler's {@code -allowed_job_environments} pattern; checked
 *     before any call so a bad environment answers 422
 * @param heronRoot the Heron state root in ZooKeeper for this cluster ({@code
 *     heron.statemgr.root.path})
 * @param stateManagerConnection the ZooKeeper connect string Heron's processes in Aurora use; empty
 *     = the service's own {@code heroncp.zookeeper.connect-string}
 * @param corePackageUri where Aurora's agents fetch the Heron core package ({@code
 *     heron.package.core.uri})
 * @param heronConfigDirectory the Heron cluster config directory packed into each topology package
 *     as {@code heron-conf/}; empty = the built-in defaults
 * @param heronConfig Heron config keys for this cluster (packing defaults, executor settings),
 *     overridden by the topology's own config and by submit overrides
 * @param scheduler how to reach the Aurora scheduler
 * @param tier the Aurora tier of this cluster's jobs ({@code TaskConfig.tier}); empty = none is
 *     sent and Aurora's default tier applies (stock: {@code preemptible}), as Heron's stock {@code
 *     heron.aurora} template does. A production tier such as {@code preferred} makes Aurora
 *     quota-check the jobs against their role's quota
 * @param environmentTiers a tier per environment (e.g. {@code prod: preferred}), over {@code tier}
 */
public record ClusterProperties(
    @NotBlank @DefaultValue("devel") String defaultEnvironment,
    @NotBlank @DefaultValue("^(prod|devel|test|staging\\d*)$") String allowedEnvironments,
    @NotBlank @DefaultValue("/heron") String heronRoot,
    String stateManagerConnection,
    @NotNull(
            message =
                "set heroncp.clusters.<name>.core-package-uri to where Aurora's agents can fetch heron-core.tar.gz")
        URI corePackageUri,
    Path heronConfigDirectory,
    @DefaultValue Map<String, String> heronConfig,
    @Valid @NotNull @DefaultValue Scheduler scheduler,
    String tier,
    @DefaultValue Map<String, String> environmentTiers) {

  /** The constructor Spring binds. */
  @ConstructorBinding
  public ClusterProperties {
    tier = tier == null || tier.isBlank() ? null : tier;
    environmentTiers = environmentTiers == null ? Map.of() : Map.copyOf(environmentTiers);
  }

  /** As the canonical constructor, with no tier. */
  public ClusterProperties(
      String defaultEnvironment,
      String allowedEnvironments,
      String heronRoot,
      String stateManagerConnection,
      URI corePackageUri,
      Path heronConfigDirectory,
      Map<String, String> heronConfig,
      Scheduler scheduler) {
    this(
        defaultEnvironment,
        allowedEnvironments,
        heronRoot,
        stateManagerConnection,
        corePackageUri,
        heronConfigDirectory,
        heronConfig,
        scheduler,
        null,
        Map.of());
  }

  /**
   * The tier of the cluster's jobs in {@code environment}: its entry in {@code environment-tiers},
   * else {@code tier}; null = none, Aurora's default.
   */
  public String tierFor(String environment) {
    String forEnvironment = environmentTiers.get(environment);
    return forEnvironment == null || forEnvironment.isBlank() ? tier : forEnvironment;
  }

  /**
   * How the service finds and talks to the cluster's Aurora scheduler: a static {@code url}, or
   * ZooKeeper serverset discovery ({@code zookeeper} + {@code zookeeper-path}, as {@code zk}/{@code
   * scheduler_zk_path} in Aurora's clusters.json). Exactly one of the two.
   *
   * @param url the scheduler's base URL; the Thrift endpoint is {@code <url>/api}
   * @param zookeeper the ZooKeeper ensemble Aurora announces its leader in
   * @param zookeeperPath the serverset path ({@code -serverset_path})
   * @param username HTTP basic user (optional)
   * @param password HTTP basic password (optional; never logged)
   * @param protocol Thrift protocol on the wire
   * @param connectTimeout TCP connect timeout
   * @param readTimeout how long one call may take before the request answers 504
   */
  public record Scheduler(
      URI url,
      String zookeeper,
      @DefaultValue("/aurora/scheduler") String zookeeperPath,
      String username,
      String password,
      @NotNull @DefaultValue("BINARY") Protocol protocol,
      @NotNull @DefaultValue("5s") Duration connectTimeout,
      @NotNull @DefaultValue("30s") Duration readTimeout) {

    public enum Protocol {
      BINARY,
      JSON
    }

    @Override
    public String toString() {
      return "Scheduler[url="
          + url
          + ", zookeeper="
          + zookeeper
          + ", zookeeperPath="
          + zookeeperPath
          + ", username="
          + username
          + ", password="
          + (password == null ? "none" : "****")
          + ", protocol="
          + protocol
          + "]";
    }
  }
}
