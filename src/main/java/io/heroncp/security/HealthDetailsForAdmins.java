package io.heroncp.security;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code heroncp.security.enabled=true}, health details (ZooKeeper connect string, package directory, Aurora
 * endpoints) are shown to admins only, whatever {@code management.endpoint.health.show-details} says: the embedded
 * default's {@code always} must not leak them once the service is secured.
 */
public class HealthDetailsForAdmins implements EnvironmentPostProcessor {

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.getProperty("heroncp.security.enabled", Boolean.class, false)) {
      environment.getPropertySources().addFirst(new MapPropertySource("heroncp-security-health", Map.of(
          "management.endpoint.health.show-details", "when-authorized",
          "management.endpoint.health.show-components", "when-authorized",
          "management.endpoint.health.roles", AuroraRoles.ADMIN)));
    }
  }
}
