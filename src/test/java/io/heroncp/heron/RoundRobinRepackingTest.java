package io.heroncp.heron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.problems.InvalidFieldException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Repacking checked against results computed by hand from Heron 0.20.x ({@code
 * RuntimeManagerRunner} + {@code RoundRobinPacking.repack}). Word count: sentence x1, split x2,
 * count x2 on 2 stmgrs, so Heron's instances-per-container ratio is 5 / 2 = 2.5; component order
 * sentence, split, count (HashMap order).
 */
class RoundRobinRepackingTest {

  private static final long GIB = 1024L * 1024 * 1024;

  private final RoundRobinPacking packing = new RoundRobinPacking();
  private final TopologyDefinition wordCount =
      new DefinitionReader()
          .read(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "word-count"));
  private final PackingPlan current = packing.pack(wordCount, Map.of());

  private static Resources instance(double cpu, double ramGib) {
    return new Resources(cpu, (long) (ramGib * GIB), GIB);
  }

  /*
   * split 2 -> 4: 7 instances, ceil(7 / 2.5) = 3 containers.
   * t1 sentence#0 c1, t2 split#0 c2, t3 split#1 c3, t4 split#2 c1, t5 split#3 c2, t6 count#0 c3, t7 count#1 c1.
   * Largest 3: RAM budget 3 + 2 = 5 GiB, CPU round(3 + 1) = 4, disk 3 + 12 = 15 GiB.
   * c1: 3 instances, (5-2)/3 = 1 GiB and (4-1)/3 = 1 core each; c2, c3: 1.5 GiB and 1.5 cores each.
   */
  @Test
  void scalingABoltUpKeepsHeronsInstancesPerContainerRatio() {
    PackingPlan plan = packing.repack(wordCount, Map.of(), current, Map.of("split", 4), null);

    assertThat(plan.id()).isEqualTo(wordCount.id());
    assertThat(plan.containers()).extracting(ContainerPlan::id).containsExactly(1, 2, 3);
    assertThat(plan.containers().get(0).instances())
        .containsExactly(
            new InstancePlan("sentence", 1, 0, instance(1.0, 1)),
            new InstancePlan("split", 4, 2, instance(1.0, 1)),
            new InstancePlan("count", 7, 1, instance(1.0, 1)));
    assertThat(plan.containers().get(1).instances())
        .containsExactly(
            new InstancePlan("split", 2, 0, instance(1.5, 1.5)),
            new InstancePlan("split", 5, 3, instance(1.5, 1.5)));
    assertThat(plan.containers().get(2).instances())
        .containsExactly(
            new InstancePlan("split", 3, 1, instance(1.5, 1.5)),
            new InstancePlan("count", 6, 0, instance(1.5, 1.5)));
    assertThat(plan.containers())
        .allSatisfy(c -> assertThat(c.required()).isEqualTo(new Resources(4.0, 5 * GIB, 15 * GIB)));
    assertThat(plan.componentParallelism())
        .containsEntry("sentence", 1)
        .containsEntry("split", 4)
        .containsEntry("count", 2);
  }

  /*
   * split 2 -> 1: 4 instances, ceil(4 / 2.5) = 2 containers.
   * t1 sentence#0 c1, t2 split#0 c2, t3 count#0 c1, t4 count#1 c2. Largest 2: RAM 2 + 2 = 4 GiB, CPU 3,
   * disk 14 GiB; every instance (4-2)/2 = 1 GiB and (3-1)/2 = 1 core.
   */
  @Test
  void scalingABoltDownRepacksIntoFewerInstances() {
    PackingPlan plan = packing.repack(wordCount, Map.of(), current, Map.of("split", 1), null);

    assertThat(plan.containers()).hasSize(2);
    assertThat(plan.containers().get(0).instances())
        .containsExactly(
            new InstancePlan("sentence", 1, 0, instance(1.0, 1)),
            new InstancePlan("count", 3, 0, instance(1.0, 1)));
    assertThat(plan.containers().get(1).instances())
        .containsExactly(
            new InstancePlan("split", 2, 0, instance(1.0, 1)),
            new InstancePlan("count", 4, 1, instance(1.0, 1)));
    assertThat(plan.containers())
        .allSatisfy(c -> assertThat(c.required()).isEqualTo(new Resources(3.0, 4 * GIB, 14 * GIB)));
  }

  /*
   * 3 containers, parallelism unchanged: t1 sentence#0 c1, t2 split#0 c2, t3 split#1 c3, t4 count#0 c1,
   * t5 count#1 c2. Largest 2: RAM budget 4 GiB, CPU 3, disk 14 GiB. c1, c2: 1 GiB / 1 core each;
   * c3 holds one instance: (4-2)/1 = 2 GiB and (3-1)/1 = 2 cores.
   */
  @Test
  void changingOnlyTheContainerCountSpreadsTheSameInstances() {
    PackingPlan plan = packing.repack(wordCount, Map.of(), current, Map.of(), 3);

    assertThat(plan.containers()).hasSize(3);
    assertThat(plan.containers().get(0).instances())
        .containsExactly(
            new InstancePlan("sentence", 1, 0, instance(1.0, 1)),
            new InstancePlan("count", 4, 0, instance(1.0, 1)));
    assertThat(plan.containers().get(1).instances())
        .containsExactly(
            new InstancePlan("split", 2, 0, instance(1.0, 1)),
            new InstancePlan("count", 5, 1, instance(1.0, 1)));
    assertThat(plan.containers().get(2).instances())
        .containsExactly(new InstancePlan("split", 3, 1, instance(2.0, 2)));
    assertThat(plan.containers())
        .allSatisfy(c -> assertThat(c.required()).isEqualTo(new Resources(3.0, 4 * GIB, 14 * GIB)));
  }

  /*
   * split 2 -> 3 on 4 containers: t1 sentence#0 c1, t2 split#0 c2, t3 split#1 c3, t4 split#2 c4,
   * t5 count#0 c1, t6 count#1 c2. Largest 2: c1, c2 1 GiB / 1 core each; c3, c4 2 GiB / 2 cores.
   */
  @Test
  void changingParallelismAndContainerCountTogetherUsesTheGivenCount() {
    PackingPlan plan = packing.repack(wordCount, Map.of(), current, Map.of("split", 3), 4);

    assertThat(plan.containers()).hasSize(4);
    assertThat(plan.containers().get(0).instances())
        .containsExactly(
            new InstancePlan("sentence", 1, 0, instance(1.0, 1)),
            new InstancePlan("count", 5, 0, instance(1.0, 1)));
    assertThat(plan.containers().get(1).instances())
        .containsExactly(
            new InstancePlan("split", 2, 0, instance(1.0, 1)),
            new InstancePlan("count", 6, 1, instance(1.0, 1)));
    assertThat(plan.containers().get(2).instances())
        .containsExactly(new InstancePlan("split", 3, 1, instance(2.0, 2)));
    assertThat(plan.containers().get(3).instances())
        .containsExactly(new InstancePlan("split", 4, 2, instance(2.0, 2)));
  }

  /* Heron delegates to the ratio rule when the container number equals the current one: 7 / 2.5 -> 3. */
  @Test
  void namingTheCurrentContainerCountStillFollowsHeronsRatio() {
    PackingPlan plan = packing.repack(wordCount, Map.of(), current, Map.of("split", 4), 2);

    assertThat(plan.containers()).hasSize(3);
  }

  @Test
  void rejectsUnknownComponentWithHeronsMessage() {
    assertThatThrownBy(() -> packing.repack(wordCount, Map.of(), current, Map.of("nope", 2), null))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageStartingWith(
            "Invalid component name in update request: nope. Valid components include: ")
        .extracting("field")
        .isEqualTo("component_parallelism");
  }

  @Test
  void rejectsParallelismBelowOne() {
    assertThatThrownBy(() -> packing.repack(wordCount, Map.of(), current, Map.of("split", 0), null))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("'split'")
        .extracting("field")
        .isEqualTo("component_parallelism");
  }

  @Test
  void rejectsUnchangedParallelismWithHeronsMessage() {
    assertThatThrownBy(() -> packing.repack(wordCount, Map.of(), current, Map.of("split", 2), null))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageContaining("is the same as the current topology parallelism. Not taking action.")
        .extracting("field")
        .isEqualTo("component_parallelism");
    assertThatThrownBy(() -> packing.repack(wordCount, Map.of(), current, Map.of(), null))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageStartingWith("Missing arguments. Not taking action")
        .extracting("field")
        .isEqualTo("component_parallelism");
  }

  @Test
  void rejectsUnchangedContainerCountAndParallelismWithHeronsMessage() {
    assertThatThrownBy(() -> packing.repack(wordCount, Map.of(), current, Map.of("split", 2), 2))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessage(
            "Both component parallelism request and container number are the same as in the running "
                + "topology.")
        .extracting("field")
        .isEqualTo("container_number");
  }

  @Test
  void rejectsContainerCountBelowOneOrAboveInstances() {
    assertThatThrownBy(() -> packing.repack(wordCount, Map.of(), current, Map.of(), 0))
        .isInstanceOf(InvalidFieldException.class)
        .extracting("field")
        .isEqualTo("container_number");
    assertThatThrownBy(() -> packing.repack(wordCount, Map.of(), current, Map.of(), 6))
        .isInstanceOf(InvalidFieldException.class)
        .hasMessageStartingWith("More containers (6) allocated than instances (5)")
        .extracting("field")
        .isEqualTo("container_number");
  }

  @Test
  void resourceLimitsStillNameTheirConfigKey() {
    // A requested 2 GiB container leaves nothing for the instances once the 2 GiB padding is taken.
    assertThatThrownBy(
            () ->
                packing.repack(
                    wordCount,
                    Map.of(HeronConfigKeys.CONTAINER_RAM_REQUESTED, String.valueOf(2 * GIB)),
                    current,
                    Map.of(),
                    1))
        .isInstanceOf(InvalidFieldException.class)
        .extracting("field")
        .isEqualTo(HeronConfigKeys.CONTAINER_RAM_REQUESTED);
  }
}
