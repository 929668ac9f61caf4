package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.support.ServiceTest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Test
  void openApiFileListsExactlyTheServedOperationsAndParameters() throws Exception {
    assertThat(documented()).isEqualTo(served());
  }

  /** "METHOD path" to its sorted parameter names ("query:x", "path:y"). */
  private Map<String, Set<String>> served() {
    Map<String, Set<String>> operations = new TreeMap<>();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
      HandlerMethod handler = entry.getValue();
      if (!handler.getBeanType().getPackageName().startsWith("io.heroncp")) {
        continue;
      }
      Set<String> parameters = new TreeSet<>();
      for (MethodParameter parameter : handler.getMethodParameters()) {
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        if (query != null) {
          parameters.add("query:" + (query.name().isEmpty() ? query.value().isEmpty() ? parameter.getParameterName() : query.value() : query.name()));
        }
        if (path != null) {
          parameters.add("path:" + (path.name().isEmpty() ? path.value().isEmpty() ? parameter.getParameterName() : path.value() : path.name()));
        }
      }
      for (String pattern : entry.getKey().getPatternValues()) {
        for (var method : entry.getKey().getMethodsCondition().getMethods()) {
          Set<String> forMethod = new TreeSet<>();
          // @RequestParam of a POST is a form field of its body, not a query parameter.
          parameters.forEach(p -> forMethod.add(method.name().equals("POST") ? p.replace("query:", "form:") : p));
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
    Map<String, Object> sharedParameters = (Map<String, Object>) components.getOrDefault("parameters", Map.of());
    java.util.function.Function<Map<String, Object>, Map<String, Object>> resolve = p -> p.containsKey("$ref")
        ? (Map<String, Object>) sharedParameters.get(((String) p.get("$ref")).replace("#/components/parameters/", ""))
        : p;
    Map<String, Object> paths = (Map<String, Object>) spec.get("paths");
    paths.forEach((path, item) -> {
      Map<String, Object> pathItem = (Map<String, Object>) item;
      List<Map<String, Object>> shared = (List<Map<String, Object>>) pathItem.getOrDefault("parameters", List.of());
      pathItem.forEach((key, value) -> {
        if (!HTTP_METHODS.contains(key)) {
          return;
        }
        Set<String> parameters = new TreeSet<>();
        shared.stream().map(resolve).forEach(p -> parameters.add(p.get("in") + ":" + p.get("name")));
        Map<String, Object> operation = (Map<String, Object>) value;
        ((List<Map<String, Object>>) operation.getOrDefault("parameters", List.of()))
            .stream().map(resolve).filter(p -> !"header".equals(p.get("in")))
            .forEach(p -> parameters.add(p.get("in") + ":" + p.get("name")));
        Map<String, Object> body = (Map<String, Object>) operation.get("requestBody");
        if (body != null) {
          Map<String, Object> content = (Map<String, Object>) body.get("content");
          Map<String, Object> form = (Map<String, Object>) content.get("application/x-www-form-urlencoded");
          if (form != null) {
            Map<String, Object> schema = (Map<String, Object>) form.get("schema");
            ((Map<String, Object>) schema.get("properties")).keySet().forEach(name -> parameters.add("form:" + name));
          }
        }
        operations.put(key.toUpperCase() + " " + path, parameters);
      });
    });
    return operations;
  }
}
