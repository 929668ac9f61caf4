package io.heroncp.heron.examples;

import org.apache.heron.api.Config;
import org.apache.heron.api.HeronSubmitter;
import org.apache.heron.api.topology.TopologyBuilder;
import org.apache.heron.api.tuple.Fields;
import org.apache.heron.common.basics.ByteAmount;

/**
 * Word count that sizes its containers itself: 2 stream managers, container RAM 6 GiB, container
 * CPU 4, container disk 20 GiB, RAM padding 1 GiB (spout 1, split 2, count 2).
 */
public final class ContainerSizedTopology {

  private ContainerSizedTopology() {}

  public static void main(String[] args) throws Exception {
    TopologyBuilder builder = new TopologyBuilder();
    builder.setSpout("sentence", new SentenceSpout(), 1);
    builder.setBolt("split", new SplitBolt(), 2).shuffleGrouping("sentence");
    builder.setBolt("count", new CountBolt(), 2).fieldsGrouping("split", new Fields("word"));
    Config conf = new Config();
    conf.setNumStmgrs(2);
    conf.setContainerRamRequested(ByteAmount.fromGigabytes(6));
    conf.setContainerCpuRequested(4);
    conf.setContainerDiskRequested(ByteAmount.fromGigabytes(20));
    conf.setContainerRamPadding(ByteAmount.fromGigabytes(1));
    HeronSubmitter.submitTopology(
        args.length > 0 ? args[0] : "container-sized", conf, builder.createTopology());
  }
}
