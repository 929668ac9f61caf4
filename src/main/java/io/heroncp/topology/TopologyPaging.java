package io.heroncp.topology;

import io.heroncp.problems.InvalidFieldException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Pages through records ordered by cluster and name. A page token is the last key of the page
 * before, so a listing stays consistent while topologies come and go between pages.
 */
final class TopologyPaging {

  private TopologyPaging() {}

  static TopologyLifecycle.Page page(List<TopologyRecord> ordered, int pageSize, String pageToken) {
    if (pageSize < 1 || pageSize > 1000) {
      throw new InvalidFieldException("page_size must be between 1 and 1000", "page_size");
    }
    int start = 0;
    if (pageToken != null && !pageToken.isBlank()) {
      String after;
      try {
        after = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new InvalidFieldException(
            "page_token is not a token this service issued; start without it", "page_token");
      }
      while (start < ordered.size() && sortKey(ordered.get(start)).compareTo(after) <= 0) {
        start++;
      }
    }
    int end = Math.min(ordered.size(), start + pageSize);
    List<TopologyRecord> page = ordered.subList(start, end);
    String next =
        end < ordered.size()
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(sortKey(page.get(page.size() - 1)).getBytes(StandardCharsets.UTF_8))
            : null;
    return new TopologyLifecycle.Page(List.copyOf(page), next);
  }

  private static String sortKey(TopologyRecord record) {
    return record.key().cluster() + "/" + record.key().name();
  }
}
