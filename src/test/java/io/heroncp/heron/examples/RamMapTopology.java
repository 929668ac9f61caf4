package io.heroncp.heron.examples;

import org.apache.heron.api.Config;
import org.apache.heron.api.HeronSubmitter;
import org.apache.heron.api.topology.TopologyBuilder;
import org.apache.heron.api.tuple.Fields;
import org.apache.heron.common.basics.ByteAmount;

/**
 * Word count with an explicit component RAM map ({@code split} 512 MiB, {@code count} 2 GiB; {@code
 * sentence} left to the default) over 3 stream managers: spout 2, split 3, count 2.
 */
public final class RamMapTopology {

  private RamMapTopology() {}

  public static void main(String[] args) throws Exception {
    TopologyBuilder builder = new TopologyBuilder();
    builder.setSpout("sentence", new SentenceSpout(), 2);
    builder.setBolt("split", new SplitBolt(), 3).shuffleGrouping("sentence");
    builder.setBolt("count", new CountBolt(), 2).fieldsGrouping("split", new Fields("word"));
    Config conf = new Config();
    conf.setNumStmgrs(3);
    conf.setComponentRam("split", ByteAmount.fromMegabytes(512));
    conf.setComponentRam("count", ByteAmount.fromGigabytes(2));
    HeronSubmitter.submitTopology(
        args.length > 0 ? args[0] : "ram-map", conf, builder.createTopology());
  }
}
