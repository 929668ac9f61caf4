package io.heroncp.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.SecuredServiceTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * With security on, the API's documentation is readable without credentials (it holds no data, and
 * a client needs it to learn how to authenticate), while the API itself still wants them; the 401
 * points at the documentation.
 */
class DocumentationIsPublicTest extends SecuredServiceTest {

  @Test
  void documentationAnswersWithoutATokenWhileTheApiWantsOne() {
    HttpResponse<String> spec = get("/openapi.yaml", null);
    HttpResponse<String> ui = get("/swagger-ui.html", null);
    HttpResponse<String> config = get("/v3/api-docs/swagger-config", null);
    HttpResponse<String> api = get("/api/v1/topologies", null);

    assertThat(spec.statusCode()).isEqualTo(200);
    assertThat(spec.body()).startsWith("openapi: 3.1.0");
    assertThat(ui.statusCode()).as("a redirect to the UI's page").isIn(200, 302);
    assertThat(get("/swagger-ui/index.html", null).statusCode()).isEqualTo(200);
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(json(api).get("detail").asString()).contains("/openapi.yaml");
  }
}
