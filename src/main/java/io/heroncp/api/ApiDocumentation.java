package io.heroncp.api;

import org.springdoc.core.configuration.SpringDocConfiguration;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.providers.ObjectMapperProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API's documentation: the repository's openapi.yaml, served as {@code /openapi.yaml} (copied
 * into the jar's static resources by the build), and springdoc's Swagger UI at {@code
 * /swagger-ui.html} showing that file ({@code springdoc.swagger-ui.url}). springdoc's own generated
 * description is off ({@code springdoc.api-docs.enabled=false}), so there is one description of the
 * API; these beans are what Swagger UI needs of springdoc without it.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

  @Bean
  SpringDocConfiguration springDocConfiguration() {
    return new SpringDocConfiguration();
  }

  @Bean
  SpringDocConfigProperties springDocConfigProperties() {
    return new SpringDocConfigProperties();
  }

  @Bean
  ObjectMapperProvider objectMapperProvider(SpringDocConfigProperties properties) {
    return new ObjectMapperProvider(properties);
  }
}
