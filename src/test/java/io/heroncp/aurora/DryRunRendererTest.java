package io.heroncp.aurora;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.heron.Resources;
import io.heroncp.topology.TopologyKey;
import org.junit.jupiter.api.Test;

/** The Aurora calls a dry run of a scale or an update lists. */
class DryRunRendererTest {

  private static final TopologyKey KEY =
      new TopologyKey("devcluster", "alice", "devel", "WordCount");
  private final DryRunRenderer renderer = new DryRunRenderer("devcluster");

  @Test
  void anUpdateStartsAJobUpdateWithTheRoundedUpSizeAndWaitsForIt() {
    assertThat(renderer.updateCalls(KEY, 4, new Resources(2.5, (1L << 30) + 1, 3L << 30)))
        .containsExactly(
            "aurora: startJobUpdate(devcluster/alice/devel/WordCount, instanceCount=4, numCpus=2.5, ramMb=1025,"
                + " diskMb=3072)",
            "aurora: getJobUpdateSummaries(devcluster/alice/devel/WordCount) until ROLLED_FORWARD");
  }

  @Test
  void scalingUpAddsClonesOfInstanceZeroAndScalingDownKillsTheHighestInstances() {
    assertThat(renderer.scaleCalls(KEY, 3, 5))
        .containsExactly(
            "aurora: addInstances(InstanceKey(devcluster/alice/devel/WordCount, 0), 2)");
    assertThat(renderer.scaleCalls(KEY, 5, 3))
        .containsExactly("aurora: killTasks(devcluster/alice/devel/WordCount, [3, 4])");
    assertThat(renderer.scaleCalls(KEY, 3, 3)).isEmpty();
  }
}
