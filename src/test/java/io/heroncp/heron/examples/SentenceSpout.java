package io.heroncp.heron.examples;

import java.util.Map;
import org.apache.heron.api.spout.BaseRichSpout;
import org.apache.heron.api.spout.SpoutOutputCollector;
import org.apache.heron.api.topology.OutputFieldsDeclarer;
import org.apache.heron.api.topology.TopologyContext;
import org.apache.heron.api.tuple.Fields;
import org.apache.heron.api.tuple.Values;

/** Emits a fixed cycle of sentences on field {@code sentence}. */
public class SentenceSpout extends BaseRichSpout {

  private static final long serialVersionUID = 1L;
  private static final String[] SENTENCES = {
    "the quick brown fox", "jumps over the lazy dog", "heron streams words", "aurora runs heron"
  };

  private transient SpoutOutputCollector collector;
  private int next;

  @Override
  public void open(
      Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
    this.collector = collector;
  }

  @Override
  public void nextTuple() {
    collector.emit(new Values(SENTENCES[next]));
    next = (next + 1) % SENTENCES.length;
  }

  @Override
  public void declareOutputFields(OutputFieldsDeclarer declarer) {
    declarer.declare(new Fields("sentence"));
  }
}
