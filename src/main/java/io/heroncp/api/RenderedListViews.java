package io.heroncp.api;

import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyRepository;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each topology's list view ({@code Topology} without live data), rendered to JSON once per record:
 * records are immutable and replaced on every change, so a rendering made for one record instance
 * stays right for as long as that instance is the cached record. A list page then writes these
 * renderings as they are instead of building and serializing a view per topology per request.
 *
 * <p>Filled lazily by the pages that need a rendering; an entry is dropped when its record changes
 * or is removed, so it never outlives its record (at most one rendering per recorded topology,
 * about 1.5 KB each).
 */
@Component
final class RenderedListViews implements TopologyRepository.RecordListener {

  private final TopologyRepository records;
  private final JsonMapper json;
  private final Map<TopologyKey, Rendered> renderings = new ConcurrentHashMap<>();

  RenderedListViews(TopologyRepository records, JsonMapper json) {
    this.records = records;
    this.json = json;
    records.addListener(this);
  }

  /** The record's list view as JSON, from the rendering kept for this very record if any. */
  PreRenderedJson listView(TopologyRecord record) {
    Rendered kept = renderings.get(record.key());
    if (kept != null && kept.record == record) {
      return kept.json;
    }
    Rendered rendered =
        new Rendered(
            record, new PreRenderedJson(json.writeValueAsBytes(TopologyViews.of(record, null))));
    renderings.put(record.key(), rendered);
    // The record may have changed or gone while it was rendered, its listener call before the
    // put above: then drop the rendering here (the cache is updated before listeners are told).
    if (records.find(record.key()).orElse(null) != record) {
      renderings.remove(record.key(), rendered);
    }
    return rendered.json;
  }

  @Override
  public void changed(TopologyRecord previous, TopologyRecord current) {
    if (previous != null) {
      renderings.remove(previous.key());
    }
  }

  /** Whether a rendering is kept for the topology (none once its record is removed). */
  boolean keeps(TopologyKey key) {
    return renderings.containsKey(key);
  }

  /** A rendering and the record instance it was made from. */
  private record Rendered(TopologyRecord record, PreRenderedJson json) {}
}
