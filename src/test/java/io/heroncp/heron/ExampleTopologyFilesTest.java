package io.heroncp.heron;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Writes {@code target/example-topology/word-count.defn} and {@code word-count.jar} (a real
 * definition and topology jar a user can upload after {@code ./mvnw verify}) and checks they are
 * what they claim.
 */
class ExampleTopologyFilesTest {

  static final Path DIR = Path.of(System.getProperty("basedir", "."), "target", "example-topology");

  @Test
  void writesUploadableWordCountDefinitionAndJar() throws Exception {
    Files.createDirectories(DIR);
    Path defn = DIR.resolve("word-count.defn");
    Files.write(defn, HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "word-count"));
    Path jar =
        HeronDefinitions.writeTopologyJar(
            HeronDefinitions.WORD_COUNT, DIR.resolve("word-count.jar"));

    TopologyDefinition definition = new DefinitionReader().read(Files.readAllBytes(defn));
    assertThat(definition.name()).isEqualTo("word-count");
    assertThat(definition.components())
        .extracting(TopologyDefinition.Component::name)
        .containsExactly("sentence", "split", "count");
    try (JarFile jarFile = new JarFile(jar.toFile())) {
      assertThat(jarFile.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("io.heroncp.heron.examples.WordCountTopology");
      assertThat(jarFile.getEntry("io/heroncp/heron/examples/WordCountTopology.class")).isNotNull();
      assertThat(jarFile.getEntry("io/heroncp/heron/examples/SentenceSpout.class")).isNotNull();
    }
  }
}
