package io.heroncp.heron.examples;

import org.apache.heron.api.Config;
import org.apache.heron.api.HeronSubmitter;
import org.apache.heron.api.topology.TopologyBuilder;
import org.apache.heron.api.tuple.Fields;

/**
 * Word count: spout {@code sentence} (1) -> bolt {@code split} (2, shuffle) -> bolt {@code count}
 * (2, fields on {@code word}), on 2 stream managers, all resources left to Heron's defaults.
 */
public final class WordCountTopology {

  private WordCountTopology() {}

  public static void main(String[] args) throws Exception {
    TopologyBuilder builder = new TopologyBuilder();
    builder.setSpout("sentence", new SentenceSpout(), 1);
    builder.setBolt("split", new SplitBolt(), 2).shuffleGrouping("sentence");
    builder.setBolt("count", new CountBolt(), 2).fieldsGrouping("split", new Fields("word"));
    Config conf = new Config();
    conf.setNumStmgrs(2);
    HeronSubmitter.submitTopology(
        args.length > 0 ? args[0] : "word-count", conf, builder.createTopology());
  }
}
