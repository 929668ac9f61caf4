package io.heroncp.cluster;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/clusters/{cluster}/preflight}: runs {@link Preflight} and answers its report,
 * 200 whether or not the checks pass (the report says which failed); 422 for an unknown cluster.
 */
@RestController
class PreflightController {

  private final Preflight preflight;

  PreflightController(Preflight preflight) {
    this.preflight = preflight;
  }

  @PostMapping("/api/v1/clusters/{cluster}/preflight")
  PreflightReport preflight(@PathVariable String cluster) {
    return preflight.run(cluster);
  }
}
