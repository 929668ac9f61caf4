package io.heroncp.aurora;

import io.heroncp.cluster.ClusterProperties;
import io.heroncp.heron.ContainerPlan;
import io.heroncp.heron.InstancePlan;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.Resources;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.topology.JobRequest;
import io.heroncp.topology.TopologyKey;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A known topology request and cluster, shared by the aurora tests. */
final class AuroraFixtures {

  static final long GIB = 1024L * 1024 * 1024;
  static final long MIB = 1024L * 1024;
  static final String TOPOLOGY_ID = "WordCount-4f1c2a9e-0d1b-4c8e-9a57-3f2b6c7d8e90";
  static final URI TOPOLOGY_URI =
      URI.create("http://packages.example:9000/topologies/devcluster/alice/WordCount.tar.gz");
  static final URI CORE_URI = URI.create("http://packages.example:9000/core/heron-core.tar.gz");
  static final String ZK = "zk1:2181,zk2:2181";

  private AuroraFixtures() {}

  static JobRequest request(String environment) {
    return request(new TopologyKey("devcluster", "alice", environment, "WordCount"), "alice");
  }

  /** The known request, with its topology package at {@code topologyUri}. */
  static JobRequest request(String environment, URI topologyUri) {
    JobRequest request = request(environment);
    return new JobRequest(
        request.key(),
        request.submitUser(),
        request.topology(),
        request.packing(),
        topologyUri,
        request.topologyBinaryFile(),
        request.config());
  }

  static JobRequest request(TopologyKey key, String user) {
    TopologyDefinition topology =
        new TopologyDefinition(
            TOPOLOGY_ID,
            key.name(),
            List.of(
                new TopologyDefinition.Component(
                    "word", TopologyDefinition.Kind.SPOUT, 2, Map.of()),
                new TopologyDefinition.Component(
                    "count", TopologyDefinition.Kind.BOLT, 1, Map.of())),
            Map.of("topology.worker.childopts", "-XX:+UseG1GC -Xss2m"),
            false,
            new byte[0],
            new byte[0]);
    Resources spout = new Resources(1.0, GIB, GIB);
    Resources bolt = new Resources(1.0, 512 * MIB, GIB);
    PackingPlan packing =
        new PackingPlan(
            "WordCount-packing",
            List.of(
                new ContainerPlan(
                    2,
                    List.of(
                        new InstancePlan("word", 2, 1, spout),
                        new InstancePlan("count", 3, 0, bolt)),
                    new Resources(3.0, 2 * GIB + 512 * MIB, 2 * GIB),
                    new Resources(3.0, 2 * GIB + 512 * MIB, 3 * GIB)),
                new ContainerPlan(
                    1,
                    List.of(new InstancePlan("word", 1, 0, spout)),
                    new Resources(2.0, 2 * GIB, 3 * GIB),
                    new Resources(3.0, 2 * GIB + 512 * MIB, 3 * GIB))));
    return new JobRequest(
        key,
        user,
        topology,
        packing,
        TOPOLOGY_URI,
        "word-count.jar",
        Map.of("heron.directory.sandbox.java.home", "/usr/lib/jvm/java-11-openjdk-amd64"));
  }

  static ClusterProperties cluster(ClusterProperties.Scheduler scheduler) {
    return cluster(scheduler, CORE_URI);
  }

  static ClusterProperties cluster(ClusterProperties.Scheduler scheduler, URI corePackageUri) {
    return new ClusterProperties(
        "devel",
        "^(prod|devel|test|staging\\d*)$",
        "/heron",
        null,
        corePackageUri,
        null,
        Map.of(),
        scheduler);
  }

  static ClusterProperties cluster() {
    return cluster(
        scheduler(URI.create("http://127.0.0.1:1"), ClusterProperties.Scheduler.Protocol.BINARY));
  }

  static ClusterProperties.Scheduler scheduler(
      URI url, ClusterProperties.Scheduler.Protocol protocol) {
    return new ClusterProperties.Scheduler(
        url,
        null,
        "/aurora/scheduler",
        null,
        null,
        protocol,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5));
  }
}
