package io.heroncp.aurora;

import static io.heroncp.aurora.AuroraFixtures.CORE_URI;
import static io.heroncp.aurora.AuroraFixtures.GIB;
import static io.heroncp.aurora.AuroraFixtures.MIB;
import static io.heroncp.aurora.AuroraFixtures.TOPOLOGY_ID;
import static io.heroncp.aurora.AuroraFixtures.TOPOLOGY_URI;
import static io.heroncp.aurora.AuroraFixtures.ZK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.aurora.thrift.CronCollisionPolicy;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Metadata;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.cluster.ClusterProperties;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.TopologyKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AuroraJobFactoryTest {

  private static final String EXPECTED_COMMAND =
      "./heron-core/bin/heron-executor"
          + " --shard={{mesos.instance}}"
          + " --server-port={{thermos.ports[port1]}}"
          + " --tmanager-controller-port={{thermos.ports[port2]}}"
          + " --tmanager-stats-port={{thermos.ports[port3]}}"
          + " --shell-port={{thermos.ports[http]}}"
          + " --metrics-manager-port={{thermos.ports[port4]}}"
          + " --scheduler-port={{thermos.ports[scheduler]}}"
          + " --metricscache-manager-server-port={{thermos.ports[metricscachemgr_serverport]}}"
          + " --metricscache-manager-stats-port={{thermos.ports[metricscachemgr_statsport]}}"
          + " --checkpoint-manager-port={{thermos.ports[ckptmgr_port]}}"
          + " --topology-name=WordCount"
          + " --topology-id="
          + TOPOLOGY_ID
          + " --topology-defn-file=WordCount.defn"
          + " --state-manager-connection=zk1:2181,zk2:2181"
          + " --state-manager-root=/heron"
          + " --state-manager-config-file=./heron-conf/statemgr.yaml"
          + " --tmanager-binary=./heron-core/bin/heron-tmanager"
          + " --stmgr-binary=./heron-core/bin/heron-stmgr"
          + " --metrics-manager-classpath=./heron-core/lib/metricsmgr/*"
          + " --instance-jvm-opts=\"LVhYOitVc2VHMUdDIC1Yc3MybQ(61)(61)\""
          + " --classpath=word-count.jar"
          + " --heron-internals-config-file=./heron-conf/heron_internals.yaml"
          + " --override-config-file=./heron-conf/override.yaml"
          + " --component-ram-map=word:1073741824,count:536870912"
          + " --component-jvm-opts=\"\""
          + " --pkg-type=jar"
          + " --topology-binary-file=word-count.jar"
          + " --heron-java-home=/usr/lib/jvm/java-11-openjdk-amd64"
          + " --heron-shell-binary=./heron-core/bin/heron-shell"
          + " --cluster=devcluster"
          + " --role=alice"
          + " --environment=devel"
          + " --instance-classpath=./heron-core/lib/instance/*"
          + " --metrics-sinks-config-file=./heron-conf/metrics_sinks.yaml"
          + " --scheduler-classpath=./heron-core/lib/scheduler/*:./heron-core/lib/packing/*:./heron-core/lib/statemgr/*"
          + " --python-instance-binary=./heron-core/bin/heron-python-instance"
          + " --cpp-instance-binary=./heron-core/bin/heron-cpp-instance"
          + " --metricscache-manager-classpath=./heron-core/lib/metricscachemgr/*"
          + " --metricscache-manager-mode=disabled"
          + " --is-stateful=false"
          + " --checkpoint-manager-classpath=./heron-core/lib/ckptmgr/*:./heron-core/lib/statefulstorage/*:"
          + " --stateful-config-file=./heron-conf/stateful.yaml"
          + " --checkpoint-manager-ram=1073741824"
          + " --health-manager-mode=disabled"
          + " --health-manager-classpath=./heron-core/lib/healthmgr/*";

  private final AuroraJobFactory factory = new AuroraJobFactory();

  @Test
  void jobConfigurationMatchesHeronTemplateFieldByField() {
    JobConfiguration job =
        factory.create(AuroraFixtures.request("devel"), AuroraFixtures.cluster(), ZK);

    JobKey key = new JobKey("alice", "devel", "WordCount");
    assertThat(job.getKey()).isEqualTo(key);
    assertThat(job.getOwner().getUser()).isEqualTo("alice");
    assertThat(job.isSetCronSchedule()).isFalse();
    assertThat(job.getCronCollisionPolicy()).isEqualTo(CronCollisionPolicy.KILL_EXISTING);
    assertThat(job.getInstanceCount()).isEqualTo(3);

    TaskConfig task = job.getTaskConfig();
    assertThat(task.getJob()).isEqualTo(key);
    assertThat(task.getOwner().getUser()).isEqualTo("alice");
    assertThat(task.isIsService()).isTrue();
    assertThat(task.getPriority()).isZero();
    assertThat(task.getMaxTaskFailures()).isEqualTo(1);
    assertThat(task.isSetTier()).as("no tier: Aurora's default").isFalse();
    assertThat(task.isSetProduction()).isFalse();
    assertThat(task.getConstraints()).isEmpty();
    assertThat(task.getContainer().isSetMesos()).isTrue();
    assertThat(task.getMetadata()).containsExactly(new Metadata("heron.topology.id", TOPOLOGY_ID));
    assertThat(task.getExecutorConfig().getName()).isEqualTo("AuroraExecutor");

    // Largest container: cpu 3.0 (container 2), ram 2.5 GiB (container 2), disk 3 GiB (container
    // 1).
    assertThat(task.getResources())
        .containsExactlyInAnyOrder(
            Resource.numCpus(3.0),
            Resource.ramMb(2560),
            Resource.diskMb(3072),
            Resource.namedPort("port1"),
            Resource.namedPort("port2"),
            Resource.namedPort("port3"),
            Resource.namedPort("http"),
            Resource.namedPort("port4"),
            Resource.namedPort("scheduler"),
            Resource.namedPort("metricscachemgr_serverport"),
            Resource.namedPort("metricscachemgr_statsport"),
            Resource.namedPort("ckptmgr_port"),
            Resource.namedPort("yourkit"));
  }

  @Test
  void executorCommandCarriesEveryHeronFlag() {
    String command =
        HeronExecutorCommand.commandLine(AuroraFixtures.request("devel"), ZK, "/heron");

    assertThat(command).isEqualTo(EXPECTED_COMMAND);
  }

  @Test
  void thermosDataIsTheMesosJobTheAuroraClientWouldWrite() {
    JobConfiguration job =
        factory.create(AuroraFixtures.request("devel"), AuroraFixtures.cluster(), ZK);
    JsonNode data =
        JsonMapper.builder().build().readTree(job.getTaskConfig().getExecutorConfig().getData());

    assertThat(data.path("name").asString()).isEqualTo("WordCount");
    assertThat(data.path("role").asString()).isEqualTo("alice");
    assertThat(data.path("environment").asString()).isEqualTo("devel");
    assertThat(data.path("cluster").asString()).isEqualTo("devcluster");
    assertThat(data.path("service").asBoolean()).isTrue();
    assertThat(data.path("max_task_failures").asInt()).isEqualTo(1);
    assertThat(data.has("tier")).as("Heron's stock heron.aurora sets no tier").isFalse();
    assertThat(data.has("instances")).isFalse();
    assertThat(data.has("update_config")).isFalse();
    assertThat(data.path("executor_config").path("name").asString()).isEqualTo("AuroraExecutor");
    assertThat(data.path("metadata").get(0).path("value").asString()).isEqualTo(TOPOLOGY_ID);

    JsonNode task = data.path("task");
    assertThat(task.path("name").asString()).isEqualTo("setup_and_run");
    assertThat(task.path("resources").path("cpu").asDouble()).isEqualTo(3.0);
    assertThat(task.path("resources").path("ram").asLong()).isEqualTo(2 * GIB + 512 * MIB);
    assertThat(task.path("resources").path("disk").asLong()).isEqualTo(3 * GIB);
    assertThat(task.path("resources").path("gpu").asInt()).isZero();
    assertThat(task.path("max_failures").asInt()).isEqualTo(1);
    assertThat(task.path("finalization_wait").asInt()).isEqualTo(30);

    List<String> names = new ArrayList<>();
    task.path("processes").forEach(p -> names.add(p.path("name").asString()));
    assertThat(names)
        .containsExactly(
            "fetch_heron_system",
            "fetch_user_package",
            "launch_heron_executor",
            "discover_profiler_port");
    List<String> order = new ArrayList<>();
    task.path("constraints").get(0).path("order").forEach(n -> order.add(n.asString()));
    assertThat(order).isEqualTo(names);

    JsonNode processes = task.path("processes");
    assertThat(processes.get(0).path("cmdline").asString())
        .isEqualTo("curl " + CORE_URI + " -o heron-core.tar.gz && tar zxf heron-core.tar.gz");
    assertThat(processes.get(1).path("cmdline").asString())
        .isEqualTo("curl " + TOPOLOGY_URI + " -o topology.tar.gz && tar zxf topology.tar.gz");
    assertThat(processes.get(2).path("cmdline").asString()).isEqualTo(EXPECTED_COMMAND);
    assertThat(processes.get(2).path("max_failures").asInt()).isEqualTo(1);
    assertThat(processes.get(3).path("cmdline").asString())
        .isEqualTo("echo {{thermos.ports[yourkit]}} > yourkit.port");
    for (JsonNode process : processes) {
      assertThat(process.path("daemon").asBoolean()).isFalse();
      assertThat(process.path("ephemeral").asBoolean()).isFalse();
      assertThat(process.path("final").asBoolean()).isFalse();
      assertThat(process.path("min_duration").asInt()).isEqualTo(5);
    }

    JsonNode health = data.path("health_check_config");
    assertThat(health.path("health_checker").path("http").path("endpoint").asString())
        .isEqualTo("/health");
    assertThat(health.path("health_checker").path("http").path("expected_response").asString())
        .isEqualTo("ok");
    assertThat(health.path("health_checker").path("http").path("expected_response_code").asInt())
        .isEqualTo(200);
    assertThat(health.path("initial_interval_secs").asDouble()).isEqualTo(30.0);
    assertThat(health.path("interval_secs").asDouble()).isEqualTo(10.0);
    assertThat(health.path("max_consecutive_failures").asInt()).isEqualTo(2);
    assertThat(health.path("timeout_secs").asDouble()).isEqualTo(5.0);
    assertThat(data.path("announce").path("primary_port").asString()).isEqualTo("http");
    assertThat(data.path("announce").path("portmap").path("health").asString()).isEqualTo("http");
    assertThat(data.path("announce").path("portmap").path("admin").asString()).isEqualTo("http");
    assertThat(data.path("lifecycle").path("http").path("port").asString()).isEqualTo("health");

    Set<String> namedPorts =
        job.getTaskConfig().getResources().stream()
            .filter(Resource::isSetNamedPort)
            .map(Resource::getNamedPort)
            .collect(Collectors.toSet());
    assertThat(AuroraJobFactory.portsReferenced(job.getTaskConfig().getExecutorConfig().getData()))
        .containsExactlyInAnyOrderElementsOf(namedPorts);
  }

  @Test
  void prodJobOfAClusterWithoutATierLeavesTheTierToAurora() {
    JobConfiguration job =
        factory.create(AuroraFixtures.request("prod"), AuroraFixtures.cluster(), ZK);

    assertThat(job.getTaskConfig().isSetTier()).as("TaskConfig.tier").isFalse();
    assertThat(job.getTaskConfig().getExecutorConfig().getData()).doesNotContain("\"tier\"");
  }

  @Test
  void configuredTierIsSentAndAnEnvironmentsTierWinsOverIt() {
    ClusterProperties base = AuroraFixtures.cluster();
    ClusterProperties tiered =
        new ClusterProperties(
            base.defaultEnvironment(),
            base.allowedEnvironments(),
            base.heronRoot(),
            base.stateManagerConnection(),
            base.corePackageUri(),
            base.heronConfigDirectory(),
            base.heronConfig(),
            base.scheduler(),
            "preemptible",
            Map.of("prod", "preferred"));

    JobConfiguration prod = factory.create(AuroraFixtures.request("prod"), tiered, ZK);
    JobConfiguration devel = factory.create(AuroraFixtures.request("devel"), tiered, ZK);

    assertThat(prod.getTaskConfig().getTier()).isEqualTo("preferred");
    assertThat(prod.getTaskConfig().getExecutorConfig().getData())
        .contains("\"tier\":\"preferred\"");
    assertThat(devel.getTaskConfig().getTier()).isEqualTo("preemptible");
  }

  @Test
  void tarBinaryGetsLibsClasspathAndTarPackageType() {
    var request = AuroraFixtures.request("devel");
    var tar =
        new io.heroncp.topology.JobRequest(
            request.key(),
            request.submitUser(),
            request.topology(),
            request.packing(),
            request.topologyPackageUri(),
            "word-count.tar.gz",
            request.config());

    String command = HeronExecutorCommand.commandLine(tar, ZK, "/heron");

    assertThat(command)
        .contains(
            " --classpath=libs/*:word-count.jar ",
            " --pkg-type=tar ",
            " --topology-binary-file=word-count.tar.gz ");
  }

  @Test
  void portCheckRejectsAPortReferenceWithoutNamedPort() {
    JobConfiguration job =
        factory.create(AuroraFixtures.request("devel"), AuroraFixtures.cluster(), ZK);
    job.getTaskConfig().getResources().remove(Resource.namedPort("yourkit"));

    assertThatThrownBy(() -> AuroraJobFactory.checkPorts(job))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("yourkit");
  }

  @Test
  void environmentOutsideTheClusterPatternIsRejectedNamingThePattern() {
    assertThatThrownBy(
            () -> factory.create(AuroraFixtures.request("default"), AuroraFixtures.cluster(), ZK))
        .isInstanceOfSatisfying(
            InvalidFieldException.class,
            e -> {
              assertThat(e.field()).isEqualTo("environment");
              assertThat(e.getMessage()).contains("^(prod|devel|test|staging\\d*)$");
            });
  }

  @Test
  void identifiersAuroraRejectsAreInvalidFields() {
    assertInvalid(
        new TopologyKey("devcluster", "alice@REALM", "devel", "WordCount"), "alice", "role");
    assertInvalid(
        new TopologyKey("devcluster", "alice", "de vel", "WordCount"), "alice", "environment");
    assertInvalid(new TopologyKey("devcluster", "alice", "devel", "Word/Count"), "alice", "name");
    assertInvalid(
        new TopologyKey("devcluster", "alice", "devel", "WordCount"), "DOMAIN\\alice", "user");
  }

  private void assertInvalid(TopologyKey key, String user, String field) {
    assertThatThrownBy(
            () -> factory.create(AuroraFixtures.request(key, user), AuroraFixtures.cluster(), ZK))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
