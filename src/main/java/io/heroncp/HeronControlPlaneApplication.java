package io.heroncp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point: a REST control plane that runs Heron topologies on Aurora, with Heron's state in
 * ZooKeeper.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HeronControlPlaneApplication {

  public static void main(String[] args) {
    SpringApplication.run(HeronControlPlaneApplication.class, args);
  }
}
