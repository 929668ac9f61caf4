package io.heroncp.simulator;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The built-in Aurora scheduler simulator ({@code heroncp.simulator.*}): a scheduler that speaks
 * Aurora's Thrift API on its own HTTP port, for the local default and for tests.
 *
 * @param enabled start the simulator and announce it as Aurora's leader in the service's ZooKeeper
 * @param clusterName the cluster name it reports in {@code ServerInfo}
 * @param host the address it listens on and announces
 * @param port its HTTP port (0 = a free port); the Thrift endpoint is {@code http://host:port/api}
 * @param zookeeperPath the serverset path it announces its leadership under, in the service's
 *     ZooKeeper
 * @param allowedEnvironments the environments it accepts, as Aurora's {@code
 *     -allowed_job_environments}
 * @param pendingDelay how long a task stays PENDING before ASSIGNED
 * @param assignedDelay how long ASSIGNED lasts before STARTING
 * @param startingDelay how long STARTING lasts before RUNNING
 * @param killingDelay how long KILLING lasts before KILLED
 * @param standbyPort when above 0, also run a standby scheduler on this port that answers 307 to
 *     the leader
 * @param username when set (with password), require HTTP basic credentials for mutating calls, as
 *     Aurora's BASIC mechanism does
 * @param password the HTTP basic password that goes with {@code username}; never logged
 * @param topologyManagerPort the HTTP port of the local topology-manager stand-in ({@link
 *     TopologyManagerStandIn}), which answers Heron's TManager controller calls ({@code /activate},
 *     {@code /deactivate}, {@code /runtime_config/update}) for every topology the simulator runs; 0
 *     (the default) = a free port. It is published to callers as the controller port in each
 *     topology's {@code tmanagers/<name>} node
 * @param fetchTimeout the longest the simulated agent's download of one package may take (a task's
 *     {@code fetch_heron_system} and {@code fetch_user_package} processes are run for real, see
 *     {@link SandboxFetcher})
 * @param flappingTaskDelay Aurora's {@code -initial_flapping_task_delay}: a failed service task is
 *     rescheduled, and waits THROTTLED this long before PENDING when it failed without running;
 *     doubled for each further such failure
 * @param maxFlappingTaskDelay Aurora's {@code -max_flapping_task_delay}: the cap of that doubling
 * @param quotas each role's resource quota, as Aurora's {@code aurora_admin set_quota} sets it; a
 *     role not listed has none (0), as in Aurora, so its jobs on a production tier ({@code
 *     preferred}) are refused with {@code Insufficient resource quota}. Answered by {@code
 *     getQuota}
 */
@Validated
@ConfigurationProperties("heroncp.simulator")
public record SimulatorProperties(
    @DefaultValue("false") boolean enabled,
    @NotBlank @DefaultValue("local") String clusterName,
    @NotBlank @DefaultValue("127.0.0.1") String host,
    @DefaultValue("8081") int port,
    @NotBlank @DefaultValue("/aurora/scheduler") String zookeeperPath,
    @NotBlank @DefaultValue("^(prod|devel|test|staging\\d*)$") String allowedEnvironments,
    @NotNull @DefaultValue("1s") Duration pendingDelay,
    @NotNull @DefaultValue("1s") Duration assignedDelay,
    @NotNull @DefaultValue("1s") Duration startingDelay,
    @NotNull @DefaultValue("1s") Duration killingDelay,
    @DefaultValue("0") int standbyPort,
    String username,
    String password,
    @DefaultValue("0") int topologyManagerPort,
    @NotNull @DefaultValue("60s") Duration fetchTimeout,
    @NotNull @DefaultValue("30s") Duration flappingTaskDelay,
    @NotNull @DefaultValue("5m") Duration maxFlappingTaskDelay,
    @Valid @DefaultValue Map<String, Quota> quotas) {

  /**
   * One role's quota: what its production jobs may hold at once, over all their active instances.
   *
   * @param cpus CPU cores
   * @param ramMb RAM in MiB
   * @param diskMb disk in MiB
   */
  public record Quota(
      @PositiveOrZero @DefaultValue("0") double cpus,
      @PositiveOrZero @DefaultValue("0") long ramMb,
      @PositiveOrZero @DefaultValue("0") long diskMb) {}

  /**
   * The constructor Spring binds (the record has a second one for callers that predate the
   * stand-in).
   */
  @ConstructorBinding
  public SimulatorProperties {
    quotas = quotas == null ? Map.of() : Map.copyOf(quotas);
  }

  /** These properties with {@code quotas} instead. */
  public SimulatorProperties withQuotas(Map<String, Quota> quotas) {
    return new SimulatorProperties(
        enabled,
        clusterName,
        host,
        port,
        zookeeperPath,
        allowedEnvironments,
        pendingDelay,
        assignedDelay,
        startingDelay,
        killingDelay,
        standbyPort,
        username,
        password,
        topologyManagerPort,
        fetchTimeout,
        flappingTaskDelay,
        maxFlappingTaskDelay,
        quotas);
  }

  /**
   * As the canonical constructor, with the topology-manager stand-in on a free port and Aurora's
   * defaults for downloads (60 s) and flapping tasks (30 s doubling to 5 min).
   */
  public SimulatorProperties(
      boolean enabled,
      String clusterName,
      String host,
      int port,
      String zookeeperPath,
      String allowedEnvironments,
      Duration pendingDelay,
      Duration assignedDelay,
      Duration startingDelay,
      Duration killingDelay,
      int standbyPort,
      String username,
      String password) {
    this(
        enabled,
        clusterName,
        host,
        port,
        zookeeperPath,
        allowedEnvironments,
        pendingDelay,
        assignedDelay,
        startingDelay,
        killingDelay,
        standbyPort,
        username,
        password,
        0,
        Duration.ofSeconds(60),
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Map.of());
  }

  @Override
  public String toString() {
    return "SimulatorProperties[clusterName="
        + clusterName
        + ", host="
        + host
        + ", port="
        + port
        + ", zookeeperPath="
        + zookeeperPath
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "****")
        + ", topologyManagerPort="
        + topologyManagerPort
        + ", fetchTimeout="
        + fetchTimeout
        + ", flappingTaskDelay="
        + flappingTaskDelay
        + ", maxFlappingTaskDelay="
        + maxFlappingTaskDelay
        + ", quotas="
        + quotas
        + "]";
  }
}
