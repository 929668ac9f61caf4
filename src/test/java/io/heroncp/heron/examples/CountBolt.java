package io.heroncp.heron.examples;

import java.util.HashMap;
import java.util.Map;
import org.apache.heron.api.bolt.BaseBasicBolt;
import org.apache.heron.api.bolt.BasicOutputCollector;
import org.apache.heron.api.topology.OutputFieldsDeclarer;
import org.apache.heron.api.tuple.Tuple;

/** Counts words in memory; a sink (declares no output). */
public class CountBolt extends BaseBasicBolt {

  private static final long serialVersionUID = 1L;
  private final Map<String, Integer> counts = new HashMap<>();

  @Override
  public void execute(Tuple input, BasicOutputCollector collector) {
    counts.merge(input.getString(0), 1, Integer::sum);
  }

  @Override
  public void declareOutputFields(OutputFieldsDeclarer declarer) {}
}
