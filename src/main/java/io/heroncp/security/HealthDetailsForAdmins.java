package io.heroncp.security;

import java.util.Set;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;

/**
 * With {@code heroncp.security.enabled=true}, health details and components (ZooKeeper connect
 * string, package directory, Aurora endpoints) are shown to admins only, whatever {@code
 * management.endpoint.health.show-details} says: the embedded default's {@code always} must not
 * leak them once the service is secured.
 */
final class HealthDetailsForAdmins implements BeanPostProcessor {

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof HealthEndpointProperties health) {
      health.setShowDetails(Show.WHEN_AUTHORIZED);
      health.setShowComponents(Show.WHEN_AUTHORIZED);
      health.setRoles(Set.of(AuroraRoles.ADMIN));
      health
          .getGroup()
          .values()
          .forEach(
              group -> {
                group.setShowDetails(null);
                group.setShowComponents(null);
              });
    }
    return bean;
  }
}
