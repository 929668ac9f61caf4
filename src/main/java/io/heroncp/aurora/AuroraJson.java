package io.heroncp.aurora;

import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of Aurora's own formats (Thermos executor data, clusters.json, scheduler announcements
 * in ZooKeeper). Fixed on purpose and apart from Spring Boot's mapper: {@code spring.jackson.*}
 * shapes the REST answers and must never change what Aurora's executors or clients read.
 */
public final class AuroraJson {

  /** Jackson's defaults; thread-safe. */
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private AuroraJson() {}
}
