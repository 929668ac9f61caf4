package io.heroncp.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * heron-apiserver's {@code GET /api/v1/version}, which Heron's CLI calls: the build keys, plus this
 * service's own version.
 */
@RestController
class VersionController {

  /**
   * The Heron release whose formats (.defn, ZooKeeper state, executor flags) this service speaks.
   */
  static final String HERON_VERSION = "0.20.3-incubating";

  /** heron-apiserver's build keys (dotted names, as Heron's CLI prints them). */
  record Version(
      @JsonProperty("heron.build.version") String heronBuildVersion,
      @JsonProperty("heron.build.user") String heronBuildUser,
      @JsonProperty("heron.controlplane.version") String controlPlaneVersion) {}

  @GetMapping("/api/v1/version")
  Version version() {
    String own = VersionController.class.getPackage().getImplementationVersion();
    return new Version(HERON_VERSION, "heron-controlplane", own == null ? "development" : own);
  }
}
