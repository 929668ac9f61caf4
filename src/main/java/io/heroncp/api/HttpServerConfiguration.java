package io.heroncp.api;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Tomcat settings of {@link HttpProperties}. */
@Configuration(proxyBeanMethods = false)
class HttpServerConfiguration {

  @Bean
  TomcatConnectorCustomizer socketWriteBuffer(HttpProperties http) {
    return connector ->
        connector.setProperty(
            "socket.appWriteBufSize", Long.toString(http.socketWriteBuffer().toBytes()));
  }
}
