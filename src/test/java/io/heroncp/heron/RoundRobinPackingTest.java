package io.heroncp.heron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.heroncp.problems.InvalidFieldException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Packing plans checked against results computed by hand from Heron's RoundRobinPacking (0.20.3+):
 * see the comment of each test for the arithmetic.
 */
class RoundRobinPackingTest {

  private static final long GIB = 1024L * 1024 * 1024;
  private static final long MIB = 1024L * 1024;

  private final DefinitionReader reader = new DefinitionReader();
  private final RoundRobinPacking packing = new RoundRobinPacking();

  private TopologyDefinition wordCount() {
    return reader.read(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "word-count"));
  }

  private TopologyDefinition ramMap() {
    return reader.read(HeronDefinitions.definition(HeronDefinitions.RAM_MAP, "ram-map"));
  }

  /*
   * word count, defaults: 2 containers; order sentence, split, count (HashMap order, no RAM map).
   * c1 = sentence#0(t1) split#1(t3) count#1(t5); c2 = split#0(t2) count#0(t4); largest = 3.
   * RAM budget 3 x 1 GiB + 2 GiB padding = 5 GiB: c1 (5-2)/3 = 1 GiB each, c2 (5-2)/2 = 1.5 GiB each.
   * CPU budget round(3 x 1 + 1) = 4: c1 1.0 each, c2 1.5 each; container CPU 3 + 1 = 4.
   * Container RAM 3 + 2 = 5 GiB; disk 3 x 1 GiB + 12 GiB = 15 GiB; instance disk 1 GiB.
   */
  @Test
  void packsWordCountWithHeronDefaults() {
    TopologyDefinition definition = wordCount();

    PackingPlan plan = packing.pack(definition, Map.of());

    assertThat(plan.id()).isEqualTo(definition.id());
    assertThat(plan.containers()).extracting(ContainerPlan::id).containsExactly(1, 2);
    ContainerPlan c1 = plan.containers().get(0);
    ContainerPlan c2 = plan.containers().get(1);
    assertThat(c1.instances())
        .containsExactly(
            new InstancePlan("sentence", 1, 0, new Resources(1.0, GIB, GIB)),
            new InstancePlan("split", 3, 1, new Resources(1.0, GIB, GIB)),
            new InstancePlan("count", 5, 1, new Resources(1.0, GIB, GIB)));
    assertThat(c2.instances())
        .containsExactly(
            new InstancePlan("split", 2, 0, new Resources(1.5, 3 * GIB / 2, GIB)),
            new InstancePlan("count", 4, 0, new Resources(1.5, 3 * GIB / 2, GIB)));
    assertThat(c1.required()).isEqualTo(new Resources(4.0, 5 * GIB, 15 * GIB));
    assertThat(c2.required()).isEqualTo(new Resources(4.0, 5 * GIB, 15 * GIB));
    assertThat(c1.scheduled()).isEqualTo(c1.required());
    assertThat(plan.componentParallelism())
        .containsEntry("sentence", 1)
        .containsEntry("split", 2)
        .containsEntry("count", 2);
  }

  /*
   * ram-map: 3 containers; RAM map count 2 GiB, split 512 MiB, sentence none -> order count, split, sentence.
   * c1 = count#0(t1) split#1(t4) sentence#1(t7); c2 = count#1(t2) split#2(t5); c3 = split#0(t3) sentence#0(t6).
   * Largest 3, budget 3 x 1 GiB + 2 GiB = 5 GiB.
   * c1: used 2.5 GiB, sentence#1 gets 5 - 2 - 2.5 = 0.5 GiB; container 2.5 + 0.5 + 2 = 5 GiB.
   * c2: used 2.5 GiB, nobody unspecified; container 2.5 + 2 = 4.5 GiB.
   * c3: used 0.5 GiB, sentence#0 gets 5 - 2 - 0.5 = 2.5 GiB; container 5 GiB.
   * CPU budget 4: c1 1.0 each, c2 and c3 1.5 each; every container 4 cores, 15 GiB disk.
   */
  @Test
  void packsExplicitRamMapBiggestComponentsFirst() {
    PackingPlan plan = packing.pack(ramMap(), Map.of());

    assertThat(plan.containers()).hasSize(3);
    assertThat(plan.containers().get(0).instances())
        .containsExactly(
            new InstancePlan("count", 1, 0, new Resources(1.0, 2 * GIB, GIB)),
            new InstancePlan("split", 4, 1, new Resources(1.0, 512 * MIB, GIB)),
            new InstancePlan("sentence", 7, 1, new Resources(1.0, 512 * MIB, GIB)));
    assertThat(plan.containers().get(1).instances())
        .containsExactly(
            new InstancePlan("count", 2, 1, new Resources(1.5, 2 * GIB, GIB)),
            new InstancePlan("split", 5, 2, new Resources(1.5, 512 * MIB, GIB)));
    assertThat(plan.containers().get(2).instances())
        .containsExactly(
            new InstancePlan("split", 3, 0, new Resources(1.5, 512 * MIB, GIB)),
            new InstancePlan("sentence", 6, 0, new Resources(1.5, 5 * GIB / 2, GIB)));
    assertThat(plan.containers())
        .extracting(ContainerPlan::required)
        .containsExactly(
            new Resources(4.0, 5 * GIB, 15 * GIB),
            new Resources(4.0, 9 * GIB / 2, 15 * GIB),
            new Resources(4.0, 5 * GIB, 15 * GIB));
    assertThat(plan.componentRamMap())
        .containsExactly(
            Map.entry("count", 2 * GIB),
            Map.entry("split", 512 * MIB),
            Map.entry("sentence", 512 * MIB));
  }

  /*
   * container-sized: same allocation as word count; container RAM 6 GiB, CPU 4, disk 20 GiB, padding 1 GiB.
   * c1: (6 - 1) GiB / 3 = 1789569706.67 -> 1789569707 bytes each (ByteAmount.divide rounds);
   *     3 x 1789569707 + 1 GiB = 6 GiB + 1 byte, capped at the requested 6 GiB.
   * c2: 5 GiB / 2 = 2.5 GiB each; container 6 GiB. CPU (4 - 1) / 3 = 1.0 and / 2 = 1.5; containers 4.
   */
  @Test
  void packsRequestedContainerSizesWithFixedRamPadding() {
    TopologyDefinition definition =
        reader.read(
            HeronDefinitions.definition(HeronDefinitions.CONTAINER_SIZED, "container-sized"));

    PackingPlan plan = packing.pack(definition, Map.of());

    assertThat(plan.containers().get(0).instances())
        .extracting(InstancePlan::resources)
        .containsOnly(new Resources(1.0, 1789569707L, GIB));
    assertThat(plan.containers().get(1).instances())
        .extracting(InstancePlan::resources)
        .containsOnly(new Resources(1.5, 5 * GIB / 2, GIB));
    assertThat(plan.containers())
        .extracting(ContainerPlan::required)
        .containsOnly(new Resources(4.0, 6 * GIB, 20 * GIB));
  }

  /*
   * word count with overrides: instance RAM 2 GiB, instance CPU 0.5, padding 512 MiB.
   * RAM budget 3 x 2 GiB + 0.5 GiB = 6.5 GiB: c1 6 / 3 = 2 GiB each, c2 6 / 2 = 3 GiB each; containers 6.5 GiB.
   * CPU budget round(0.5 x 3 + 1) = round(2.5) = 3: c1 2 / 3 each, c2 1.0 each; containers 3.
   */
  @Test
  void honoursInstanceDefaultsAndPaddingFromEffectiveConfig() {
    PackingPlan plan =
        packing.pack(
            wordCount(),
            Map.of(
                "heron.resources.instance.ram", Long.toString(2 * GIB),
                "heron.resources.instance.cpu", "0.5",
                "topology.container.ram.padding", Long.toString(512 * MIB)));

    ContainerPlan c1 = plan.containers().get(0);
    ContainerPlan c2 = plan.containers().get(1);
    assertThat(c1.instances())
        .allSatisfy(
            i -> {
              assertThat(i.resources().ramBytes()).isEqualTo(2 * GIB);
              assertThat(i.resources().cpu()).isCloseTo(2.0 / 3, within(1e-12));
            });
    assertThat(c2.instances())
        .extracting(InstancePlan::resources)
        .containsOnly(new Resources(1.0, 3 * GIB, GIB));
    assertThat(plan.containers())
        .allSatisfy(
            c -> {
              assertThat(c.required().ramBytes()).isEqualTo(13 * GIB / 2);
              assertThat(c.required().cpu()).isCloseTo(3.0, within(1e-12));
              assertThat(c.required().diskBytes()).isEqualTo(15 * GIB);
            });
  }

  /*
   * word count with CPU map count:2: allocation as with defaults (only RAM orders components), CPU budget 4.
   * c1: count#1 takes 2, sentence#0 and split#1 share 4 - 1 - 2 = 1 -> 0.5 each; container 0.5 + 0.5 + 2 + 1 = 4.
   * c2: count#0 takes 2, split#0 gets 4 - 1 - 2 = 1; container 4. The disk map is ignored, as in Heron.
   */
  @Test
  void packsExplicitCpuMapAndIgnoresDiskMap() {
    PackingPlan plan =
        packing.pack(
            wordCount(),
            Map.of(
                "topology.component.cpumap", "count:2.0", "topology.component.diskmap", "count:1"));

    assertThat(plan.containers().get(0).instances())
        .extracting(i -> i.resources().cpu())
        .containsExactly(0.5, 0.5, 2.0);
    assertThat(plan.containers().get(1).instances())
        .extracting(i -> i.resources().cpu())
        .containsExactly(1.0, 2.0);
    assertThat(plan.containers()).extracting(c -> c.required().cpu()).containsOnly(4.0);
    assertThat(plan.containers())
        .flatExtracting(ContainerPlan::instances)
        .extracting(i -> i.resources().diskBytes())
        .containsOnly(GIB);
  }

  /* Effectively-once adds the checkpoint manager: padding 3 GiB; 1 instance -> budget 4 GiB, instance 1 GiB. */
  @Test
  void statefulTopologyPadsForCheckpointManager() {
    TopologyDefinition single =
        reader.read(HeronDefinitions.definition(HeronDefinitions.SINGLE_SPOUT, "single-spout"));

    PackingPlan plan =
        packing.pack(single, Map.of("topology.reliability.mode", "EFFECTIVELY_ONCE"));

    assertThat(plan.containers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.instances())
                  .containsExactly(
                      new InstancePlan("sentence", 1, 0, new Resources(1.0, GIB, GIB)));
              assertThat(c.required()).isEqualTo(new Resources(2.0, 4 * GIB, 13 * GIB));
            });
  }

  /*
   * ram-map with a 3 GiB container: every container's named instances exceed 3 - 2 GiB, so Heron squeezes the
   * padding instead of failing: c1 sentence#1 gets 3 - 2.5 = 0.5 GiB; c3 sentence#0 gets 3 - 2 - 0.5 = 0.5 GiB;
   * containers are capped at 3 GiB.
   */
  @Test
  void squeezesPaddingWhenRequestedContainerRamOnlyFitsInstances() {
    PackingPlan plan =
        packing.pack(ramMap(), Map.of("topology.container.ram", Long.toString(3 * GIB)));

    assertThat(plan.containers()).extracting(c -> c.required().ramBytes()).containsOnly(3 * GIB);
    assertThat(plan.containers().get(0).instances())
        .filteredOn(i -> i.component().equals("sentence"))
        .extracting(i -> i.resources().ramBytes())
        .containsExactly(512 * MIB);
    assertThat(plan.containers().get(2).instances())
        .filteredOn(i -> i.component().equals("sentence"))
        .extracting(i -> i.resources().ramBytes())
        .containsExactly(512 * MIB);
  }

  @Test
  void rejectsMoreContainersThanInstances() {
    TopologyDefinition single =
        reader.read(HeronDefinitions.definition(HeronDefinitions.SINGLE_SPOUT, "single-spout"));

    assertThatThrownBy(() -> packing.pack(single, Map.of("topology.stmgrs", "2")))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("topology.stmgrs"))
        .hasMessageContaining("More containers (2) allocated than instances (1)");
  }

  @Test
  void rejectsContainerRamTooSmallForItsInstances() {
    assertThatThrownBy(
            () -> packing.pack(ramMap(), Map.of("topology.container.ram", Long.toString(2 * GIB))))
        .isInstanceOfSatisfying(
            InvalidFieldException.class,
            e -> assertThat(e.field()).isEqualTo("topology.container.ram"))
        .hasMessageContaining("Total instance RAM (2684354560) in container#1 have exceeded");
  }

  @Test
  void rejectsContainerRamThatLeavesNothingForUnnamedInstances() {
    // 2 GiB requested - 2 GiB padding leaves 0 for three default-sized instances.
    assertThatThrownBy(
            () ->
                packing.pack(wordCount(), Map.of("topology.container.ram", Long.toString(2 * GIB))))
        .isInstanceOfSatisfying(
            InvalidFieldException.class,
            e -> assertThat(e.field()).isEqualTo("topology.container.ram"))
        .hasMessageContaining("No enough RAM to allocate for unspecified instances");
  }

  @Test
  void rejectsInstanceRamBelowHeronMinimum() {
    assertThatThrownBy(
            () -> packing.pack(wordCount(), Map.of("topology.component.rammap", "split:1000")))
        .isInstanceOfSatisfying(
            InvalidFieldException.class,
            e -> assertThat(e.field()).isEqualTo("topology.component.rammap"))
        .hasMessageContaining("component 'split' has 1000 bytes");
  }

  @Test
  void rejectsRamMapNamingUnknownComponentAndBadNumbers() {
    assertThatThrownBy(
            () -> packing.pack(wordCount(), Map.of("topology.component.rammap", "nosuch:1024")))
        .isInstanceOfSatisfying(
            InvalidFieldException.class,
            e -> assertThat(e.field()).isEqualTo("topology.component.rammap"));
    assertThatThrownBy(() -> packing.pack(wordCount(), Map.of("topology.stmgrs", "two")))
        .isInstanceOfSatisfying(
            InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("topology.stmgrs"));
  }

  @Test
  void effectiveConfigOverridesTheTopologysOwnConfig() {
    PackingPlan plan = packing.pack(wordCount(), Map.of("topology.stmgrs", "5"));

    assertThat(plan.containers()).hasSize(5).allSatisfy(c -> assertThat(c.instances()).hasSize(1));
    // One instance per container: budget 1 GiB + 2 GiB, instance 1 GiB; disk 1 + 12 GiB.
    assertThat(plan.containers())
        .extracting(ContainerPlan::required)
        .containsOnly(new Resources(2.0, 3 * GIB, 13 * GIB));
  }

  @Test
  void homogeneousScheduledResourcesAreTheLargestContainer() {
    PackingPlan plan = packing.pack(ramMap(), Map.of()).withHomogeneousScheduledResources();

    assertThat(plan.containers())
        .extracting(ContainerPlan::scheduled)
        .containsOnly(new Resources(4.0, 5 * GIB, 15 * GIB));
    assertThat(plan.containers().get(1).required())
        .isEqualTo(new Resources(4.0, 9 * GIB / 2, 15 * GIB));
    assertThat(plan.withHomogeneousScheduledResources()).isEqualTo(plan);
    assertThat(List.of(plan.maxScheduledResources()))
        .containsExactly(new Resources(4.0, 5 * GIB, 15 * GIB));
  }
}
