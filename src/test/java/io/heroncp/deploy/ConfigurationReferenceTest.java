package io.heroncp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.HeronControlPlaneApplication;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's configuration reference is the configuration metadata that
 * spring-boot-configuration-processor writes from the {@code @ConfigurationProperties} records: one
 * row per {@code heroncp.*} property, none extra, each with the record's default. Map values that
 * are records (a cluster per name) have no metadata of their own, so their components are read from
 * the record, with {@code <name>} for the key.
 */
class ConfigurationReferenceTest {

  private static final String METADATA = "META-INF/spring-configuration-metadata.json";
  private static final String SECTION = "## Configuration reference";
  private static final Pattern MAP_OF =
      Pattern.compile("java\\.util\\.Map<java\\.lang\\.String,\\s*([\\w.$]+)>");
  private static final Pattern NAME_CELL = Pattern.compile("`(heroncp\\.[^`]+)`");

  /** Property name to its default (empty when the record has none), from the metadata. */
  private static Map<String, Optional<String>> properties;

  private static Map<String, Row> readme;

  record Row(String property, String defaultValue, String meaning) {}

  @BeforeAll
  static void read() throws IOException {
    properties = heroncpProperties();
    readme = readmeTable(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8));
  }

  @Test
  void theProcessorWroteMetadataForEveryRecord() {
    assertThat(properties.keySet())
        .as("spring-boot-configuration-processor must write " + METADATA + " into target/classes")
        .contains(
            "heroncp.zookeeper.connect-string",
            "heroncp.packages.directory",
            "heroncp.operations.lock-wait",
            "heroncp.simulator.enabled",
            "heroncp.aurora-clusters-json",
            "heroncp.clusters.<name>.core-package-uri",
            "heroncp.clusters.<name>.scheduler.read-timeout");
  }

  @Test
  void readmeDocumentsEveryPropertyAndNoOther() {
    assertThat(readme.keySet())
        .as("rows of the README's '%s' table vs the configuration metadata", SECTION)
        .containsExactlyInAnyOrderElementsOf(properties.keySet());
  }

  @Test
  void readmeShowsEachRecordDefault() {
    Map<String, String> expected = new LinkedHashMap<>();
    Map<String, String> shown = new LinkedHashMap<>();
    properties.forEach(
        (name, value) ->
            value.ifPresent(
                v -> {
                  expected.put(name, "`" + v + "`");
                  shown.put(
                      name, readme.containsKey(name) ? readme.get(name).defaultValue() : null);
                }));

    assertThat(shown).as("default column of the README's configuration table").isEqualTo(expected);
  }

  @Test
  void everyRowSaysWhatThePropertyDoes() {
    assertThat(readme.values())
        .allSatisfy(
            row -> assertThat(row.meaning()).as("meaning of %s", row.property()).isNotBlank());
  }

  @Test
  void readingTheTableFindsRowsDefaultsAndEscapedPipes() {
    String markdown =
        """
        text
        ## Configuration reference

        | property | default | meaning |
        | --- | --- | --- |
        | `heroncp.a.b` | `^(x\\|y)$` | a pattern |
        | `heroncp.a.c` | none | free text |

        after
        """;

    assertThat(readmeTable(markdown))
        .containsExactly(
            Map.entry("heroncp.a.b", new Row("heroncp.a.b", "`^(x|y)$`", "a pattern")),
            Map.entry("heroncp.a.c", new Row("heroncp.a.c", "none", "free text")));
  }

  private static Map<String, Optional<String>> heroncpProperties() throws IOException {
    JsonMapper json = JsonMapper.builder().build();
    Map<String, Optional<String>> found = new LinkedHashMap<>();
    // Boot's own jars carry metadata files too; the heroncp.* properties are ours.
    for (URL url :
        Collections.list(
            HeronControlPlaneApplication.class.getClassLoader().getResources(METADATA))) {
      try (InputStream in = url.openStream()) {
        for (JsonNode property : json.readTree(in).path("properties")) {
          String name = property.path("name").asString();
          if (!name.startsWith("heroncp.")) {
            continue;
          }
          Matcher map = MAP_OF.matcher(property.path("type").asString());
          Class<?> value = map.matches() ? load(map.group(1)) : null;
          if (value != null && value.isRecord()) {
            addComponents(name + ".<name>.", value, found);
          } else {
            JsonNode defaultValue = property.get("defaultValue");
            found.put(
                name, Optional.ofNullable(defaultValue).map(ConfigurationReferenceTest::text));
          }
        }
      }
    }
    return found;
  }

  private static void addComponents(
      String prefix, Class<?> record, Map<String, Optional<String>> found) {
    RecordComponent[] components = record.getRecordComponents();
    Class<?>[] types =
        Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Parameter[] parameters;
    try {
      parameters = record.getDeclaredConstructor(types).getParameters();
    } catch (NoSuchMethodException e) {
      throw new AssertionError(record + " has no canonical constructor", e);
    }
    for (int i = 0; i < components.length; i++) {
      String name = prefix + kebab(components[i].getName());
      Class<?> type = components[i].getType();
      if (type.isRecord() && type.getName().startsWith("io.heroncp.")) {
        addComponents(name + ".", type, found);
        continue;
      }
      DefaultValue defaultValue = parameters[i].getAnnotation(DefaultValue.class);
      found.put(
          name,
          defaultValue == null || defaultValue.value().length == 0
              ? Optional.empty()
              : Optional.of(String.join(",", defaultValue.value())));
    }
  }

  private static String text(JsonNode value) {
    if (!value.isArray()) {
      return value.asString();
    }
    List<String> items = new ArrayList<>();
    value.forEach(item -> items.add(item.asString()));
    return String.join(",", items);
  }

  /**
   * The class the metadata names; a nested class appears there with dots, so try {@code $} from the
   * right.
   */
  private static Class<?> load(String name) {
    String candidate = name;
    while (true) {
      try {
        return Class.forName(candidate, false, ConfigurationReferenceTest.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        int dot = candidate.lastIndexOf('.');
        if (dot < 0) {
          return null;
        }
        candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
      }
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }

  /** The rows of the table under {@link #SECTION}, by property; a property named twice fails. */
  static Map<String, Row> readmeTable(String markdown) {
    int section = markdown.indexOf("\n" + SECTION + "\n");
    assertThat(section).as("README section '%s'", SECTION).isNotNegative();
    Map<String, Row> rows = new LinkedHashMap<>();
    List<String> lines = markdown.substring(section + SECTION.length() + 2).lines().toList();
    int i = 0;
    while (i < lines.size() && !lines.get(i).startsWith("|")) {
      i++;
    }
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i).strip();
      String[] cells = line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1);
      assertThat(cells).as("cells of README row %s", line).hasSize(3);
      Matcher name = NAME_CELL.matcher(cells[0].strip());
      assertThat(name.matches()).as("README row %s names one property in backticks", line).isTrue();
      Row row = new Row(name.group(1), unescape(cells[1]), unescape(cells[2]));
      assertThat(rows.put(row.property(), row)).as("README rows for %s", row.property()).isNull();
    }
    return rows;
  }

  private static String unescape(String cell) {
    return cell.strip().replace("\\|", "|");
  }
}
