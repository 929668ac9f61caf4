package io.heroncp.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * heron-apiserver's {@code GET /api/v1/version}, which Heron's CLI calls: the build keys, plus this service's
 * own version.
 */
@RestController
class VersionController {

  /** The Heron release whose formats (.defn, ZooKeeper state, executor flags) this service speaks. */
  static final String HERON_VERSION = "0.20.3-incubating";

  @GetMapping("/api/v1/version")
  Map<String, String> version() {
    Map<String, String> version = new LinkedHashMap<>();
    String own = VersionController.class.getPackage().getImplementationVersion();
    version.put("heron.build.version", HERON_VERSION);
    version.put("heron.build.user", "heron-controlplane");
    version.put("heron.controlplane.version", own == null ? "development" : own);
    return version;
  }
}
