package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The API's documentation as a new user finds it: the repository's openapi.yaml at {@code
 * /openapi.yaml}, Swagger UI at {@code /swagger-ui.html} showing that file, and every path an error
 * body points at answers 2xx.
 */
class ApiDocumentationTest extends ServiceTest {

  /** A path of this service named in a message (not ZooKeeper or file paths). */
  private static final Pattern SERVICE_PATH =
      Pattern.compile("(?<![\\w./-])(/(?:openapi\\.yaml|swagger-ui\\.html|api/v1/[\\w./{}-]*))");

  @Test
  void openApiYamlIsTheRepositorysFile() throws Exception {
    HttpResponse<String> served = get("/openapi.yaml");

    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type")).hasValue("application/yaml");
    assertThat(served.body()).isEqualTo(Files.readString(Path.of("openapi.yaml")));
  }

  @Test
  void swaggerUiAnswersAndShowsTheServedFile() {
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpResponse<String> ui;
    try {
      ui =
          following.send(
              HttpRequest.newBuilder(uri("/swagger-ui.html")).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    HttpResponse<String> config = get("/v3/api-docs/swagger-config");

    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.body()).contains("swagger-ui");
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(json(config).get("url").asString()).isEqualTo("/openapi.yaml");
    assertThat(get("/v3/api-docs").statusCode())
        .as("no second, generated description")
        .isEqualTo(404);
  }

  @Test
  void everyPathAnErrorBodyNamesAnswers2xx() {
    List<HttpResponse<String>> errors = new ArrayList<>();
    errors.add(get("/no/such/endpoint"));
    errors.add(get("/api/v1/nosuch"));
    errors.add(post("/api/v1/topologies", new Multipart().field("dryrun", "true")));
    errors.add(post("/api/v1/topologies", new Multipart().field("name", "DocsMissing")));
    errors.add(get("/api/v1/operations/nosuch"));
    errors.add(get("/api/v1/topologies?state=sleeping"));
    errors.add(get("/api/v1/topologies/local/docs/devel/Nosuch"));

    Set<String> named = new TreeSet<>();
    for (HttpResponse<String> error : errors) {
      assertThat(error.statusCode()).as(error.body()).isGreaterThanOrEqualTo(400);
      String detail = json(error).get("detail").asString();
      String instance = json(error).get("instance").asString();
      Matcher matcher = SERVICE_PATH.matcher(detail);
      while (matcher.find()) {
        String path = matcher.group(1).replaceAll("[.;,]+$", "");
        if (!path.equals(instance)) {
          named.add(path);
        }
      }
    }

    assertThat(named).as("the hints the errors give").contains("/openapi.yaml");
    for (String path : named) {
      assertThat(get(path).statusCode()).as(path).isBetween(200, 299);
    }
  }
}
