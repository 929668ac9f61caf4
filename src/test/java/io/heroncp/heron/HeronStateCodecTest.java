package io.heroncp.heron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.heron.proto.ExecutionEnvironment;
import io.heroncp.heron.proto.PackingPlans;
import io.heroncp.heron.proto.PhysicalPlans;
import io.heroncp.heron.proto.Scheduler;
import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.heron.proto.TopologyManager;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeronStateCodecTest {

  private final TopologyDefinition wordCount =
      new DefinitionReader()
          .read(HeronDefinitions.definition(HeronDefinitions.WORD_COUNT, "word-count"));

  @Test
  void packingPlanRoundTripsThroughHeronProto() throws Exception {
    PackingPlan plan =
        new RoundRobinPacking().pack(wordCount, Map.of()).withHomogeneousScheduledResources();

    byte[] bytes = HeronStateCodec.encodePackingPlan(plan);

    PackingPlans.PackingPlan proto = PackingPlans.PackingPlan.parseFrom(bytes);
    assertThat(proto.getId()).isEqualTo(wordCount.id());
    assertThat(proto.getContainerPlansList())
        .extracting(PackingPlans.ContainerPlan::getId)
        .containsExactly(1, 2);
    PackingPlans.ContainerPlan second = proto.getContainerPlans(1);
    assertThat(second.getInstancePlansList())
        .extracting(PackingPlans.InstancePlan::getTaskId)
        .containsExactly(2, 4);
    assertThat(second.getInstancePlans(0).getComponentName()).isEqualTo("split");
    assertThat(second.getInstancePlans(0).getResource().getRam()).isEqualTo(1610612736L);
    assertThat(second.getRequiredResource().getRam()).isEqualTo(5L << 30);
    assertThat(second.hasScheduledResource()).isTrue();
    assertThat(second.getScheduledResource().getCpu()).isEqualTo(4.0);
    assertThat(HeronStateCodec.decodePackingPlan(bytes)).isEqualTo(plan);
  }

  @Test
  void packingPlanWithoutScheduledResourceDecodesAsScheduledEqualsRequired() {
    PackingPlans.Resource resource =
        PackingPlans.Resource.newBuilder().setCpu(2).setRam(3L << 30).setDisk(13L << 30).build();
    byte[] heronWritten =
        PackingPlans.PackingPlan.newBuilder()
            .setId("t1")
            .addContainerPlans(
                PackingPlans.ContainerPlan.newBuilder()
                    .setId(1)
                    .setRequiredResource(resource)
                    .addInstancePlans(
                        PackingPlans.InstancePlan.newBuilder()
                            .setComponentName("spout")
                            .setTaskId(1)
                            .setComponentIndex(0)
                            .setResource(resource)))
            .build()
            .toByteArray();

    PackingPlan plan = HeronStateCodec.decodePackingPlan(heronWritten);

    Resources expected = new Resources(2, 3L << 30, 13L << 30);
    assertThat(plan.containers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.required()).isEqualTo(expected);
              assertThat(c.scheduled()).isEqualTo(expected);
              assertThat(c.instances()).containsExactly(new InstancePlan("spout", 1, 0, expected));
            });
  }

  @Test
  void executionStateCarriesSubmissionTimeInSecondsAndReleaseState() throws Exception {
    ExecutionState state =
        ExecutionState.forSubmission(
            wordCount,
            "aurora-1",
            "alice",
            "devel",
            "bob",
            Instant.ofEpochMilli(1_764_158_400_999L),
            new ExecutionState.Release("builder", "", "0.20.5-incubating"));

    byte[] bytes = HeronStateCodec.encodeExecutionState(state);

    ExecutionEnvironment.ExecutionState proto =
        ExecutionEnvironment.ExecutionState.parseFrom(bytes);
    assertThat(proto.getTopologyName()).isEqualTo("word-count");
    assertThat(proto.getTopologyId()).isEqualTo(wordCount.id());
    assertThat(proto.getSubmissionTime()).isEqualTo(1_764_158_400L);
    assertThat(proto.getSubmissionUser()).isEqualTo("bob");
    assertThat(proto.getCluster()).isEqualTo("aurora-1");
    assertThat(proto.getEnviron()).isEqualTo("devel");
    assertThat(proto.getRole()).isEqualTo("alice");
    assertThat(proto.getReleaseState().getReleaseUsername()).isEqualTo("builder");
    assertThat(proto.getReleaseState().hasReleaseTag()).isTrue();
    assertThat(proto.getReleaseState().getReleaseVersion()).isEqualTo("0.20.5-incubating");
    assertThat(HeronStateCodec.decodeExecutionState(bytes)).isEqualTo(state);
  }

  @Test
  void executionStateWithoutReleaseRoundTrips() {
    ExecutionState state = new ExecutionState("t", "t-id", 5, "u", "c", "e", "r", null);

    assertThat(HeronStateCodec.decodeExecutionState(HeronStateCodec.encodeExecutionState(state)))
        .isEqualTo(state);
  }

  @Test
  void auroraSchedulerLocationHasNoEndpointAndTheExpandedJobLink() throws Exception {
    SchedulerLocation location =
        SchedulerLocation.forAurora(
            "word-count",
            "http://aurora.example:8081/scheduler/${ROLE}/${ENVIRON}/${TOPOLOGY}",
            "aurora-1",
            "alice",
            "devel");

    byte[] bytes = HeronStateCodec.encodeSchedulerLocation(location);

    Scheduler.SchedulerLocation proto = Scheduler.SchedulerLocation.parseFrom(bytes);
    assertThat(proto.getTopologyName()).isEqualTo("word-count");
    assertThat(proto.getHttpEndpoint()).isEqualTo("scheduler_as_lib_no_endpoint");
    assertThat(proto.getJobPageLinkList())
        .containsExactly("http://aurora.example:8081/scheduler/alice/devel/word-count");
    assertThat(HeronStateCodec.decodeSchedulerLocation(bytes)).isEqualTo(location);
  }

  @Test
  void schedulerLocationWithoutTemplateHasNoLinkAndUnknownTokensStay() {
    assertThat(SchedulerLocation.forAurora("t", "", "c", "r", "e").jobPageLinks()).isEmpty();
    assertThat(SchedulerLocation.forAurora("t", null, "c", "r", "e").jobPageLinks()).isEmpty();
    assertThat(
            SchedulerLocation.forAurora("t", "https://h/${CLUSTER}/${NOPE}/x${ROLE}", "c", "r", "e")
                .jobPageLinks())
        .containsExactly("https://h/c/${NOPE}/x${ROLE}");
  }

  @Test
  void tmanagerLocationRoundTripsAndReadsHeronBytes() {
    byte[] heronWritten =
        TopologyManager.TManagerLocation.newBuilder()
            .setTopologyName("t")
            .setTopologyId("t-id")
            .setHost("10.0.0.1")
            .setControllerPort(1)
            .setServerPort(2)
            .setStatsPort(3)
            .build()
            .toByteArray();

    TManagerLocation location = HeronStateCodec.decodeTManagerLocation(heronWritten);

    assertThat(location).isEqualTo(new TManagerLocation("t", "t-id", "10.0.0.1", 1, 2, 3));
    assertThat(HeronStateCodec.encodeTManagerLocation(location)).isEqualTo(heronWritten);
  }

  @Test
  void physicalPlanCarriesTheRuntimeState() throws Exception {
    byte[] bytes =
        HeronStateCodec.encodePhysicalPlan(wordCount.trimmedBytes(), HeronTopologyState.PAUSED);

    PhysicalPlans.PhysicalPlan proto = PhysicalPlans.PhysicalPlan.parseFrom(bytes);
    assertThat(proto.getTopology().getState()).isEqualTo(TopologyAPI.TopologyState.PAUSED);
    assertThat(proto.getTopology().getName()).isEqualTo("word-count");
    assertThat(HeronStateCodec.decodePhysicalPlanState(bytes)).isEqualTo(HeronTopologyState.PAUSED);
    assertThat(HeronStateCodec.decodeTopologyName(wordCount.trimmedBytes()))
        .isEqualTo("word-count");
  }

  @Test
  void decodersRejectBytesOfAnotherKind() {
    byte[] garbage = {1, 2, 3};
    assertThatThrownBy(() -> HeronStateCodec.decodePackingPlan(garbage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PackingPlan");
    assertThatThrownBy(() -> HeronStateCodec.decodeExecutionState(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ExecutionState");
    assertThatThrownBy(() -> HeronStateCodec.decodeSchedulerLocation(garbage))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeronStateCodec.decodeTManagerLocation(garbage))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeronStateCodec.decodePhysicalPlanState(garbage))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
