package io.heroncp.topology;

import io.heroncp.problems.InvalidFieldException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/**
 * Pages through records ordered by cluster and name, straight from the repository's ordered index
 * (a page costs the records it walks, not all records). A page token is the last cluster/name of
 * the page before, so a listing stays consistent while topologies come and go between pages.
 */
final class TopologyPaging {

  private TopologyPaging() {}

  static TopologyLifecycle.Page page(
      TopologyRepository records,
      Predicate<TopologyRecord> filter,
      int pageSize,
      String pageToken) {
    if (pageSize < 1 || pageSize > 1000) {
      throw new InvalidFieldException("page_size must be between 1 and 1000", "page_size");
    }
    String afterCluster = null;
    String afterName = null;
    if (pageToken != null && !pageToken.isBlank()) {
      String after;
      try {
        after = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw notIssued();
      }
      int slash = after.indexOf('/');
      if (slash < 1) {
        throw notIssued();
      }
      afterCluster = after.substring(0, slash);
      afterName = after.substring(slash + 1);
    }
    // One more than a page tells whether there is a next one.
    List<TopologyRecord> walked = records.page(afterCluster, afterName, pageSize + 1, filter);
    List<TopologyRecord> page = walked.size() > pageSize ? walked.subList(0, pageSize) : walked;
    String next =
        walked.size() > pageSize
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(sortKey(page.get(page.size() - 1)).getBytes(StandardCharsets.UTF_8))
            : null;
    return new TopologyLifecycle.Page(List.copyOf(page), next);
  }

  private static InvalidFieldException notIssued() {
    return new InvalidFieldException(
        "page_token is not a token this service issued; start without it", "page_token");
  }

  private static String sortKey(TopologyRecord record) {
    return record.key().cluster() + "/" + record.key().name();
  }
}
