package io.heroncp.simulator;

import io.heroncp.zookeeper.ZooKeeperAnswers;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.client.ZKClientConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The Aurora simulator as a process of its own, without the control plane, so it can outlive the
 * service (crash and failover tests, or a long-lived local "cluster" several service processes
 * share). Same jar, other main class:
 *
 * <pre>
 * java -Dloader.main=io.heroncp.simulator.StandaloneSimulator -cp heron-controlplane.jar \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     --heroncp.zookeeper.connect-string=127.0.0.1:2181 --heroncp.simulator.port=8081
 * </pre>
 *
 * It announces itself in that ZooKeeper (serverset {@code heroncp.simulator.zookeeper-path}),
 * serves Aurora's Thrift API, the Heron core package and the topology-manager stand-in, and takes
 * every {@code heroncp.simulator.*} setting. Its state is in memory: it lives as long as the
 * process. Services find it by ZooKeeper discovery as usual, with {@code
 * heroncp.simulator.enabled=false} and the cluster's {@code core-package-uri} naming this port.
 */
public final class StandaloneSimulator {

  private StandaloneSimulator() {}

  public static void main(String[] args) {
    new SpringApplicationBuilder(Wiring.class)
        .web(WebApplicationType.NONE)
        .properties("heroncp.simulator.enabled=true", "spring.main.keep-alive=true")
        .run(args);
  }

  /**
   * The simulator's beans and a ZooKeeper client of its own. Deliberately not a
   * {@code @Configuration}: the service's component scan must not pick it up.
   */
  @Import(SimulatorConfiguration.class)
  @EnableConfigurationProperties(SimulatorProperties.class)
  static class Wiring {

    @Bean(destroyMethod = "close")
    CuratorFramework simulatorZooKeeper(
        @Value("${heroncp.zookeeper.connect-string}") String connectString) {
      // Its journal directory holds a node per task: 30,000 tasks list to more than ZooKeeper's
      // default 1 MB answer.
      CuratorFramework client =
          CuratorFrameworkFactory.builder()
              .connectString(connectString)
              .sessionTimeoutMs(10_000)
              .connectionTimeoutMs(5_000)
              .retryPolicy(new ExponentialBackoffRetry(200, 5))
              .zkClientConfig(ZooKeeperAnswers.allowLarge(new ZKClientConfig()))
              .build();
      client.start();
      return client;
    }
  }
}
