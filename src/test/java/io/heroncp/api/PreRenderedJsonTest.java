package io.heroncp.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Views rendered beforehand are written into a page as they are, byte for byte. */
class PreRenderedJsonTest {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void aPageOfPreRenderedViewsIsTheJsonOfThoseViews() {
    List<Map<String, Object>> views = new ArrayList<>();
    List<PreRenderedJson> rendered = new ArrayList<>();
    // Long enough that views cross Jackson's output buffer (8,000 bytes), and not only ASCII.
    for (int i = 0; i < 50; i++) {
      Map<String, Object> view =
          Map.of("name", "topology-" + i, "message", "Tâches ✓ \"quoted\" ".repeat(20), "n", i);
      views.add(view);
      rendered.add(new PreRenderedJson(json.writeValueAsBytes(view)));
    }

    String page =
        json.writeValueAsString(new TopologyViews.TopologyPage(rendered, "bG9jYWwvYQ", null));

    assertThat(json.readTree(page).get("topologies"))
        .isEqualTo(json.readTree(json.writeValueAsString(views)));
    assertThat(json.readTree(page).get("next_page_token").asString()).isEqualTo("bG9jYWwvYQ");
    assertThat(rendered.get(0).getValue()).isEqualTo(json.writeValueAsString(views.get(0)));
  }
}
