package io.heroncp.api;

import io.heroncp.topology.ObservedStatus;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyLifecycle.Description;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyRepository;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Topology views rendered to JSON once and written as they are: a list page's views (the record
 * only) and GET of one topology (the record with the status watcher's observation). Records are
 * immutable and replaced on every change, and so are observations on every poll: a rendering made
 * from one record instance (and one observation instance) stays right for as long as they are the
 * current ones, so a read costs no view building and no serialization per topology.
 *
 * <p>Filled lazily by the reads that need a rendering; an entry is dropped when its record changes
 * or is removed, so none outlives its record: at most one list view (about 1.5 KB) and one
 * description per recorded topology.
 */
@Component
final class RenderedViews implements TopologyRepository.RecordListener {

  private final TopologyRepository records;
  private final JsonMapper json;
  private final Map<TopologyKey, Rendering> listViews = new ConcurrentHashMap<>();
  private final Map<TopologyKey, Rendering> descriptions = new ConcurrentHashMap<>();

  RenderedViews(TopologyRepository records, JsonMapper json) {
    this.records = records;
    this.json = json;
    records.addListener(this);
  }

  /** The record's list view ({@code Topology} without live data). */
  PreRenderedJson listView(TopologyRecord record) {
    return rendered(listViews, record, null, false, () -> TopologyViews.of(record, null));
  }

  /**
   * GET of one topology: the record with its observation, {@code stale} while ZooKeeper is away.
   */
  PreRenderedJson description(Description description, boolean stale) {
    TopologyRecord record = description.record();
    return rendered(
        descriptions,
        record,
        description.observed(),
        stale,
        () ->
            new TopologyViews.Described(
                TopologyViews.of(record, description), stale ? Boolean.TRUE : null));
  }

  private PreRenderedJson rendered(
      Map<TopologyKey, Rendering> renderings,
      TopologyRecord record,
      ObservedStatus observed,
      boolean stale,
      Supplier<Object> view) {
    Rendering kept = renderings.get(record.key());
    if (kept != null && kept.record == record && kept.observed == observed && kept.stale == stale) {
      return kept.json;
    }
    Rendering rendering =
        new Rendering(
            record, observed, stale, new PreRenderedJson(json.writeValueAsBytes(view.get())));
    renderings.put(record.key(), rendering);
    // The record may have changed or gone while it was rendered, its listener call before the
    // put above: then drop the rendering here (the cache is updated before listeners are told).
    if (records.find(record.key()).orElse(null) != record) {
      renderings.remove(record.key(), rendering);
    }
    return rendering.json;
  }

  @Override
  public void changed(TopologyRecord previous, TopologyRecord current) {
    if (previous != null) {
      listViews.remove(previous.key());
      descriptions.remove(previous.key());
    }
  }

  /** Whether a rendering is kept for the topology (none once its record is removed). */
  boolean keeps(TopologyKey key) {
    return listViews.containsKey(key) || descriptions.containsKey(key);
  }

  /** A rendering and the record and observation instances it was made from. */
  private record Rendering(
      TopologyRecord record, ObservedStatus observed, boolean stale, PreRenderedJson json) {}
}
