package io.heroncp.heron.examples;

import org.apache.heron.api.Config;
import org.apache.heron.api.HeronSubmitter;
import org.apache.heron.api.topology.TopologyBuilder;

/**
 * The smallest topology: one spout {@code sentence} with parallelism 1; heron-api writes {@code
 * topology.stmgrs=1}.
 */
public final class SingleSpoutTopology {

  private SingleSpoutTopology() {}

  public static void main(String[] args) throws Exception {
    TopologyBuilder builder = new TopologyBuilder();
    builder.setSpout("sentence", new SentenceSpout(), 1);
    HeronSubmitter.submitTopology(
        args.length > 0 ? args[0] : "single-spout", new Config(), builder.createTopology());
  }
}
