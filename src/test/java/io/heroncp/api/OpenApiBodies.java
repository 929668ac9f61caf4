package io.heroncp.api;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a response body against the schema openapi.yaml gives for its operation, status and
 * content type (JSON Schema 2020-12, as OpenAPI 3.1 uses). Stricter than the file on one point: an
 * object schema that lists {@code properties} and says nothing about others is closed, so a member
 * the service sends but the file does not describe fails too.
 */
final class OpenApiBodies {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private final JsonNode spec;
  private final JsonNode components;

  private OpenApiBodies(JsonNode spec) {
    this.spec = spec;
    this.components = closed(spec.get("components").deepCopy());
  }

  static OpenApiBodies load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Object yaml = new Yaml().load(in);
      return new OpenApiBodies(JSON.valueToTree(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Why the body does not match (empty when it does); also when the file documents no such answer.
   */
  List<String> violations(String method, String path, int status, String contentType, String body) {
    JsonNode response =
        spec.path("paths")
            .path(path)
            .path(method.toLowerCase(Locale.ROOT))
            .path("responses")
            .path(Integer.toString(status));
    if (response.has("$ref")) {
      response = spec.at(response.get("$ref").asString().substring(1));
    }
    if (response.isMissingNode()) {
      return List.of(method + " " + path + " documents no " + status + " answer");
    }
    String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
    JsonNode schema = response.path("content").path(mediaType).path("schema");
    if (schema.isMissingNode()) {
      return List.of(method + " " + path + " " + status + " documents no " + mediaType + " body");
    }
    return validate(schema, body);
  }

  /** Why the body does not match the schema (refs resolve against openapi.yaml's components). */
  List<String> validate(JsonNode schema, String body) {
    ObjectNode wrapper = JSON.createObjectNode();
    wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    wrapper.set("components", components);
    wrapper.withArray("allOf").add(closed(schema.deepCopy()));
    Schema compiled = SCHEMAS.getSchema(wrapper);
    return compiled.validate(JSON.readTree(body)).stream().map(Error::toString).toList();
  }

  JsonNode schema(String name) {
    return spec.path("components").path("schemas").path(name);
  }

  private static JsonNode closed(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties")
          && !object.has("additionalProperties")
          && !object.has("unevaluatedProperties")) {
        object.put("additionalProperties", false);
      }
      object.properties().forEach(member -> closed(member.getValue()));
    } else if (node.isArray()) {
      node.forEach(OpenApiBodies::closed);
    }
    return node;
  }
}
