package io.heroncp.heron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.MalformedRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DefinitionReaderTest {

  private final DefinitionReader reader = new DefinitionReader();

  @Test
  void readsWordCountDefinitionWrittenByHeronApi() {
    byte[] bytes = HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "word-count");

    TopologyDefinition definition = reader.read(bytes);

    assertThat(definition.name()).isEqualTo("word-count");
    assertThat(definition.id()).startsWith("word-count").hasSize("word-count".length() + 36);
    assertThat(definition.components())
        .containsExactly(
            component("sentence", TopologyDefinition.Kind.SPOUT, 1),
            component("split", TopologyDefinition.Kind.BOLT, 2),
            component("count", TopologyDefinition.Kind.BOLT, 2));
    assertThat(definition.config())
        .containsEntry("topology.stmgrs", "2")
        .containsEntry("topology.team.name", "alice")
        .containsEntry("topology.name", "word-count")
        // heron-api writes the environment Java-serialized: only string values are kept
        .doesNotContainKey("topology.team.environment");
    assertThat(definition.initiallyPaused()).isFalse();
    assertThat(definition.bytes()).isEqualTo(bytes);
  }

  @Test
  void trimmedBytesDropSerializedSpoutsAndBoltsButKeepTheRest() throws Exception {
    byte[] bytes = HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "word-count");
    TopologyAPI.Topology original = TopologyAPI.Topology.parseFrom(bytes);
    assertThat(original.getSpouts(0).getComp().hasSerializedObject()).isTrue();

    TopologyAPI.Topology trimmed =
        TopologyAPI.Topology.parseFrom(reader.read(bytes).trimmedBytes());

    assertThat(trimmed.getSpoutsList())
        .allSatisfy(s -> assertThat(s.getComp().hasSerializedObject()).isFalse());
    assertThat(trimmed.getBoltsList())
        .allSatisfy(b -> assertThat(b.getComp().hasSerializedObject()).isFalse());
    TopologyAPI.Topology.Builder expected = original.toBuilder();
    expected.getSpoutsBuilderList().forEach(s -> s.getCompBuilder().clearSerializedObject());
    expected.getBoltsBuilderList().forEach(b -> b.getCompBuilder().clearSerializedObject());
    assertThat(trimmed).isEqualTo(expected.build());
    assertThat(trimmed.getBolts(1).getComp().getSpec())
        .isEqualTo(TopologyAPI.ComponentObjectSpec.JAVA_SERIALIZED_OBJECT);
  }

  @Test
  void readsPausedSubmissionAsInitiallyPaused() {
    TopologyDefinition definition =
        reader.read(
            HeronDefinitions.pausedDefinition(HeronDefinitions.WORD_COUNT, "word-count-paused"));

    assertThat(definition.initiallyPaused()).isTrue();
    assertThat(definition.name()).isEqualTo("word-count-paused");
  }

  @Test
  void readsSingleSpoutTopologyWithHeronApiDefaultOfOneStmgr() {
    TopologyDefinition definition =
        reader.read(HeronDefinitions.definition(HeronDefinitions.SINGLE_SPOUT, "single-spout"));

    assertThat(definition.components())
        .containsExactly(component("sentence", TopologyDefinition.Kind.SPOUT, 1));
    assertThat(definition.config()).containsEntry("topology.stmgrs", "1");
  }

  @Test
  void readsExplicitComponentRamMapAndContainerHints() {
    TopologyDefinition ramMap =
        reader.read(HeronDefinitions.definition(HeronDefinitions.RAM_MAP, "ram-map"));
    TopologyDefinition sized =
        reader.read(
            HeronDefinitions.definition(HeronDefinitions.CONTAINER_SIZED, "container-sized"));

    assertThat(ramMap.config().get("topology.component.rammap"))
        .contains("split:536870912")
        .contains("count:2147483648");
    assertThat(ramMap.config()).containsEntry("topology.stmgrs", "3");
    assertThat(sized.config())
        .containsEntry("topology.container.ram", "6442450944")
        .containsEntry("topology.container.cpu", "4.0")
        .containsEntry("topology.container.disk", "21474836480")
        .containsEntry("topology.container.ram.padding", "1073741824");
  }

  @Test
  void rejectsGarbageAsMalformedDefinition() {
    assertThatThrownBy(() -> reader.read("not a topology".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            MalformedRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("definition");
              assertThat(e.status()).isEqualTo(400);
            })
        .hasMessageContaining(".defn");
    assertThatThrownBy(() -> reader.read(new byte[0]))
        .isInstanceOf(MalformedRequestException.class);
  }

  @Test
  void rejectsProtobufMissingRequiredFieldsAsMalformed() {
    byte[] partial = TopologyAPI.Topology.newBuilder().setName("x").buildPartial().toByteArray();

    assertThatThrownBy(() -> reader.read(partial))
        .isInstanceOf(MalformedRequestException.class)
        .hasMessageContaining("id");
  }

  @Test
  void rejectsNameWithDotLikeHeronVerifyTopology() throws Exception {
    byte[] bytes = modified(b -> b.setName("word.count"));

    assertThat(heronVerifies(bytes)).isFalse();
    assertThatThrownBy(() -> reader.read(bytes))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("definition"))
        .hasMessageContaining("'.' or '/'");
  }

  @Test
  void rejectsBoltInputFromUnknownStreamLikeHeronVerifyTopology() throws Exception {
    byte[] bytes =
        modified(b -> b.getBoltsBuilder(0).getInputsBuilder(0).getStreamBuilder().setId("missing"));

    assertThat(heronVerifies(bytes)).isFalse();
    assertThatThrownBy(() -> reader.read(bytes))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("sentence/missing");
  }

  @Test
  void rejectsUnparseableRamMap() throws Exception {
    byte[] bytes =
        modified(
            b ->
                b.getTopologyConfigBuilder()
                    .addKvs(
                        TopologyAPI.Config.KeyValue.newBuilder()
                            .setKey("topology.component.rammap")
                            .setValue("split:lots")
                            .setType(TopologyAPI.ConfigValueType.STRING_VALUE)));
    byte[] unknownComponent =
        modified(
            b ->
                b.getTopologyConfigBuilder()
                    .addKvs(
                        TopologyAPI.Config.KeyValue.newBuilder()
                            .setKey("topology.component.rammap")
                            .setValue("nosuch:1024")
                            .setType(TopologyAPI.ConfigValueType.STRING_VALUE)));

    assertThatThrownBy(() -> reader.read(bytes))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("topology.component.rammap");
    assertThatThrownBy(() -> reader.read(unknownComponent))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("nosuch");
  }

  @Test
  void acceptsWhatHeronVerifyTopologyAccepts() throws Exception {
    byte[] bytes = HeronDefinitions.definition(HeronDefinitions.RAM_MAP, "ram-map");

    assertThat(heronVerifies(bytes)).isTrue();
    assertThat(reader.read(bytes).name()).isEqualTo("ram-map");
  }

  private static TopologyDefinition.Component component(
      String name, TopologyDefinition.Kind kind, int parallelism) {
    return new TopologyDefinition.Component(
        name,
        kind,
        parallelism,
        java.util.Map.of("topology.component.parallelism", Integer.toString(parallelism)));
  }

  private static byte[] modified(java.util.function.Consumer<TopologyAPI.Topology.Builder> change)
      throws Exception {
    TopologyAPI.Topology.Builder builder =
        TopologyAPI.Topology.parseFrom(
            HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "word-count"))
            .toBuilder();
    change.accept(builder);
    return builder.build().toByteArray();
  }

  /** Heron's own rule check (heron-api's TopologyUtils on its shaded protobuf classes). */
  private static boolean heronVerifies(byte[] bytes) throws Exception {
    return org.apache.heron.api.utils.TopologyUtils.verifyTopology(
        org.apache.heron.api.generated.TopologyAPI.Topology.parseFrom(bytes));
  }
}
