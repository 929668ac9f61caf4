package io.heroncp.topology;

import java.util.List;

/**
 * A job as it would be sent to the scheduler, for dry runs.
 *
 * @param json the job configuration as a JSON document with the IDL's field names
 * @param table the same as lines of a human-readable table
 */
public record JobRendering(String json, List<String> table) {

  public JobRendering {
    table = List.copyOf(table);
  }
}
