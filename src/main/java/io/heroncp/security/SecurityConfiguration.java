package io.heroncp.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one security filter chain. Stateless: no session, no cookie (so no CSRF token), no login
 * page, no redirect. With {@code heroncp.security.enabled=false} every request is let through (the
 * open local mode); the Origin check applies in both modes.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
  private static final String TOPOLOGY = "/api/v1/topologies/{cluster}/{role}/{environment}/{name}";

  @Bean
  SecurityFilterChain securityFilterChain(
      HttpSecurity http,
      SecurityProperties security,
      AuthenticationManager bearerAuthentication,
      JsonMapper jsonMapper)
      throws Exception {
    SecurityProblems problems = new SecurityProblems(jsonMapper);
    http.csrf(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .anonymous(anonymous -> {})
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .cors(cors -> cors.configurationSource(cors(security.allowedOrigins())))
        .addFilterAfter(
            new OriginFilter(security.allowedOrigins(), problems),
            SecurityContextHolderFilter.class)
        .addFilterBefore(new AuditContextFilter(), AuthorizationFilter.class)
        .exceptionHandling(
            errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems));
    if (!security.enabled()) {
      http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
      return http.build();
    }
    AuthenticationManagerResolver<HttpServletRequest> resolver = request -> bearerAuthentication;
    http.oauth2ResourceServer(
        resource ->
            resource
                .authenticationManagerResolver(resolver)
                .authenticationEntryPoint(problems)
                .accessDeniedHandler(problems));
    boolean anyoneReads = security.readAccess() == SecurityProperties.ReadAccess.ANYONE;
    TopologyRoleAuthorization byRole = new TopologyRoleAuthorization();
    http.authorizeHttpRequests(
        requests -> {
          // The container's error dispatch writes the problem body of a request already refused.
          requests.dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ERROR).permitAll();
          // Aurora's agents cannot carry a token: the packages controller checks the signed URL
          // instead.
          requests.requestMatchers("/api/v1/packages/**").permitAll();
          requests.requestMatchers("/actuator/health", "/actuator/health/**").permitAll();
          // The API's documentation is public: it holds no data, and a client needs it to learn how
          // to authenticate. Every error that names it must be readable by whoever got the error.
          requests
              .requestMatchers(
                  HttpMethod.GET,
                  "/openapi.yaml",
                  "/swagger-ui.html",
                  "/swagger-ui/**",
                  "/v3/api-docs/swagger-config")
              .permitAll();
          if (security.metricsOpen()) {
            requests.requestMatchers("/actuator/prometheus").permitAll();
          } else {
            requests.requestMatchers("/actuator/prometheus").authenticated();
          }
          requests.requestMatchers("/actuator/**").hasRole(AuroraRoles.ADMIN);
          requests.requestMatchers(HttpMethod.DELETE, TOPOLOGY).access(byRole);
          requests.requestMatchers(HttpMethod.POST, TOPOLOGY + "/{verb}").access(byRole);
          // Submit: the role is a form field, checked by the controller before the lifecycle runs.
          requests.requestMatchers(HttpMethod.POST, "/api/v1/topologies").authenticated();
          requests
              .requestMatchers(HttpMethod.POST, "/api/v1/clusters/{cluster}/preflight")
              .hasRole(AuroraRoles.ADMIN);
          if (anyoneReads) {
            requests.requestMatchers(HttpMethod.GET, "/**").permitAll();
            requests.requestMatchers(HttpMethod.HEAD, "/**").permitAll();
          }
          requests.anyRequest().authenticated();
        });
    return http.build();
  }

  /**
   * Both kinds of bearer at once: a JWT (three dot-separated parts) goes to Spring's JWT provider
   * (the decoder of {@code spring.security.oauth2.resourceserver.jwt.*}), anything else is checked
   * as an API token. Also replaces Boot's generated default user, so no password is printed.
   */
  @Bean
  AuthenticationManager bearerAuthentication(
      SecurityProperties security, ObjectProvider<JwtDecoder> decoders) {
    ApiTokenAuthenticator tokens = new ApiTokenAuthenticator(security);
    JwtDecoder decoder = decoders.getIfAvailable();
    JwtAuthenticationProvider jwts =
        decoder == null ? null : new JwtAuthenticationProvider(decoder);
    if (jwts != null) {
      jwts.setJwtAuthenticationConverter(JwtRoles.converter(security.jwt()));
    }
    if (security.enabled()) {
      log.info(
          "Security is on: {} API token(s), JWTs {}",
          security.tokens().size(),
          jwts == null
              ? "refused (no spring.security.oauth2.resourceserver.jwt.issuer-uri or jwk-set-uri)"
              : "accepted");
    }
    return authentication -> {
      if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
        throw new InvalidBearerTokenException("Only bearer tokens are accepted");
      }
      String token = bearer.getToken();
      if (token.split("\\.", -1).length == 3) {
        if (jwts == null) {
          throw new InvalidBearerTokenException("JWTs are not accepted: no issuer is configured");
        }
        Authentication result = jwts.authenticate(bearer);
        return result;
      }
      return tokens.authenticate(token);
    };
  }

  /**
   * Health details for admins only once secured (a post-processor: it must see the bound
   * properties).
   */
  @Bean
  static BeanPostProcessor healthDetailsForAdmins(Environment environment) {
    boolean enabled = environment.getProperty("heroncp.security.enabled", Boolean.class, false);
    return enabled ? new HealthDetailsForAdmins() : new BeanPostProcessor() {};
  }

  @Bean
  WebMvcConfigurer requesterArguments(SecurityProperties security) {
    return new WebMvcConfigurer() {
      @Override
      public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new RequesterArgumentResolver(security.enabled()));
      }
    };
  }

  private static CorsConfigurationSource cors(List<String> allowedOrigins) {
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    if (!allowedOrigins.isEmpty()) {
      CorsConfiguration configuration = new CorsConfiguration();
      configuration.setAllowedOrigins(allowedOrigins);
      configuration.setAllowedMethods(List.of("GET", "HEAD", "POST", "DELETE", "OPTIONS"));
      configuration.setAllowedHeaders(
          List.of(
              "Authorization",
              "Content-Type",
              "If-Match",
              "Idempotency-Key",
              "Prefer",
              // EventSource sends it when it reconnects to an event stream.
              "Last-Event-ID"));
      configuration.setExposedHeaders(
          List.of("ETag", "Location", "Retry-After", "Warning", "Idempotent-Replayed"));
      configuration.setAllowCredentials(false);
      source.registerCorsConfiguration("/**", configuration);
    }
    return source;
  }
}
