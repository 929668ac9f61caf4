package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

/** openapi.yaml at the top of the repository describes exactly the endpoints the service serves. */
class OpenApiContractTest extends ServiceTest {

  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Test
  void openApiFileListsExactlyTheServedOperationsAndParameters() throws Exception {
    assertThat(documented()).isEqualTo(served());
  }

  private final OpenApiBodies spec = OpenApiBodies.load(Path.of("openapi.yaml"));
  private final List<String> violations = new ArrayList<>();

  @Test
  void everyExercisedAnswerHasTheBodyItsSchemaDescribes() {
    String topologies = "/api/v1/topologies";
    String topology = topologies + "/{cluster}/{role}/{environment}/{name}";
    String path = "/api/v1/topologies/local/contract/devel/Contract1";

    check("GET", "/api/v1/version", 200, get("/api/v1/version"));
    check("GET", "/api/v1/clusters", 200, get("/api/v1/clusters"));
    check(
        "POST",
        "/api/v1/clusters/{cluster}/preflight",
        200,
        post("/api/v1/clusters/local/preflight", ""));
    check(
        "POST",
        "/api/v1/clusters/{cluster}/preflight",
        422,
        post("/api/v1/clusters/nosuch/preflight", ""));
    check(
        "POST",
        topologies,
        200,
        post(topologies, submitForm("Contract1").field("dry_run", "true")));
    check(
        "POST",
        topologies,
        200,
        post(
            topologies,
            submitForm("Contract1").field("dry_run", "true").field("dry_run_format", "table")));
    check("POST", topologies, 422, post(topologies, new Multipart().field("name", "Contract1")));
    check("POST", topologies, 201, post(topologies, submitForm("Contract1")));
    check("POST", topologies, 409, post(topologies, submitForm("Contract1")));
    // The verbs need the topology manager (local stand-in), announced once instance 0 runs.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(
            () ->
                io.heroncp.support.SharedZooKeeper.client()
                        .checkExists()
                        .forPath("/heron/tmanagers/Contract1")
                    != null);
    check("GET", topologies, 200, get(topologies + "?role=contract"));
    check("GET", topologies, 422, get(topologies + "?state=sleeping"));
    check("GET", topology, 200, get(path));
    check("GET", topology, 404, get("/api/v1/topologies/local/contract/devel/Nosuch"));
    check("POST", topology + "/deactivate", 200, post(path + "/deactivate", ""));
    check("POST", topology + "/activate", 200, post(path + "/activate", ""));
    check(
        "POST",
        topology + "/activate",
        412,
        send(form(path + "/activate", "").header("If-Match", "\"0\"").build()));
    check("POST", topology + "/restart", 422, post(path + "/restart", "container_id=x"));
    check(
        "POST",
        topology + "/update",
        200,
        post(path + "/update", "component_parallelism=split:3&dry_run=true"));
    check(
        "POST",
        topology + "/update",
        200,
        post(path + "/update", "component_parallelism=split:3&dry_run=true&dry_run_format=table"));
    check(
        "POST", topology + "/update", 200, post(path + "/update", "component_parallelism=split:3"));
    HttpResponse<String> accepted =
        send(form(path + "/restart", "container_id=1").header("Prefer", "respond-async").build());
    check("POST", topology + "/restart", 202, accepted);
    String operation = accepted.headers().firstValue("Location").orElseThrow();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(() -> !json(get(operation)).get("outcome").asString().equals("RUNNING"));
    check("GET", "/api/v1/operations/{id}", 200, get(operation));
    check("GET", "/api/v1/operations/{id}", 404, get("/api/v1/operations/nosuch"));
    check("GET", topology + "/history", 200, get(path + "/history"));
    check(
        "GET",
        topology + "/history",
        404,
        get("/api/v1/topologies/local/contract/devel/Nosuch/history"));
    check("DELETE", topology, 200, delete(path));
    check("GET", topology + "/history", 200, get(path + "/history"));

    assertThat(violations).isEmpty();
  }

  private Multipart submitForm(String name) {
    return Multipart.submit("local", "contract", "devel", name, HeronDefinitions.WORD_COUNT);
  }

  private HttpRequest.Builder form(String path, String form) {
    return HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
  }

  private HttpResponse<String> post(String path, String form) {
    return send(form(path, form).build());
  }

  private void check(String method, String path, int status, HttpResponse<String> response) {
    String label = method + " " + path + " " + status;
    assertThat(response.statusCode()).as(label + ": " + response.body()).isEqualTo(status);
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    List<String> found = spec.violations(method, path, status, contentType, response.body());
    if (!found.isEmpty()) {
      violations.add(label + ": " + found + "\n  body: " + response.body());
    }
    String dump = System.getProperty("contract.dump");
    if (dump != null) {
      try {
        Files.createDirectories(Path.of(dump));
        Files.writeString(
            Path.of(
                dump,
                String.format("%02d-%s.json", dumped++, label.replaceAll("[^A-Za-z0-9]+", "_"))),
            response.body());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private int dumped;

  /** "METHOD path" to its sorted parameter names ("query:x", "path:y"). */
  private Map<String, Set<String>> served() {
    Map<String, Set<String>> operations = new TreeMap<>();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> entry :
        mappings.getHandlerMethods().entrySet()) {
      HandlerMethod handler = entry.getValue();
      if (!handler.getBeanType().getPackageName().startsWith("io.heroncp")) {
        continue;
      }
      Set<String> parameters = new TreeSet<>();
      for (MethodParameter parameter : handler.getMethodParameters()) {
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        if (query != null) {
          parameters.add(
              "query:"
                  + (query.name().isEmpty()
                      ? query.value().isEmpty() ? parameter.getParameterName() : query.value()
                      : query.name()));
        }
        if (path != null) {
          parameters.add(
              "path:"
                  + (path.name().isEmpty()
                      ? path.value().isEmpty() ? parameter.getParameterName() : path.value()
                      : path.name()));
        }
      }
      for (String pattern : entry.getKey().getPatternValues()) {
        for (var method : entry.getKey().getMethodsCondition().getMethods()) {
          Set<String> forMethod = new TreeSet<>();
          // @RequestParam of a POST is a form field of its body, not a query parameter.
          parameters.forEach(
              p -> forMethod.add(method.name().equals("POST") ? p.replace("query:", "form:") : p));
          operations.put(method.name() + " " + pattern, forMethod);
        }
      }
    }
    return operations;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Set<String>> documented() throws Exception {
    Map<String, Object> spec;
    try (InputStream in = Files.newInputStream(Path.of("openapi.yaml"))) {
      spec = new Yaml().load(in);
    }
    Map<String, Set<String>> operations = new TreeMap<>();
    Map<String, Object> components = (Map<String, Object>) spec.get("components");
    Map<String, Object> sharedParameters =
        (Map<String, Object>) components.getOrDefault("parameters", Map.of());
    java.util.function.Function<Map<String, Object>, Map<String, Object>> resolve =
        p ->
            p.containsKey("$ref")
                ? (Map<String, Object>)
                    sharedParameters.get(
                        ((String) p.get("$ref")).replace("#/components/parameters/", ""))
                : p;
    Map<String, Object> paths = (Map<String, Object>) spec.get("paths");
    paths.forEach(
        (path, item) -> {
          Map<String, Object> pathItem = (Map<String, Object>) item;
          List<Map<String, Object>> shared =
              (List<Map<String, Object>>) pathItem.getOrDefault("parameters", List.of());
          pathItem.forEach(
              (key, value) -> {
                if (!HTTP_METHODS.contains(key)) {
                  return;
                }
                Set<String> parameters = new TreeSet<>();
                shared.stream()
                    .map(resolve)
                    .forEach(p -> parameters.add(p.get("in") + ":" + p.get("name")));
                Map<String, Object> operation = (Map<String, Object>) value;
                ((List<Map<String, Object>>) operation.getOrDefault("parameters", List.of()))
                    .stream()
                        .map(resolve)
                        .filter(p -> !"header".equals(p.get("in")))
                        .forEach(p -> parameters.add(p.get("in") + ":" + p.get("name")));
                Map<String, Object> body = (Map<String, Object>) operation.get("requestBody");
                if (body != null) {
                  Map<String, Object> content = (Map<String, Object>) body.get("content");
                  Map<String, Object> form =
                      (Map<String, Object>) content.get("application/x-www-form-urlencoded");
                  if (form != null) {
                    Map<String, Object> schema = (Map<String, Object>) form.get("schema");
                    ((Map<String, Object>) schema.get("properties"))
                        .keySet()
                        .forEach(name -> parameters.add("form:" + name));
                  }
                }
                operations.put(key.toUpperCase() + " " + path, parameters);
              });
        });
    return operations;
  }
}
