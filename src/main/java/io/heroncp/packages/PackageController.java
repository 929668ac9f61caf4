package io.heroncp.packages;

import io.heroncp.problems.NotFoundException;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves stored packages to Aurora's agents: {@code GET} and {@code HEAD /api/v1/packages/{sha256}/{file}}.
 *
 * <p>Content never changes under a digest, so responses carry {@code ETag: "<sha256>"} and a one-year immutable
 * {@code Cache-Control}; {@code If-None-Match} answers 304 and {@code Range} requests are honoured (Spring's
 * resource handling). An unknown or invalid digest or file name answers 404 without touching the file system
 * outside the store.
 */
@RestController
class PackageController {

  static final MediaType GZIP = MediaType.parseMediaType("application/gzip");

  private final PackageStore store;

  PackageController(PackageStore store) {
    this.store = store;
  }

  // GET mappings answer HEAD too: same headers, no body.
  @GetMapping("/api/v1/packages/{sha256}/{file}")
  ResponseEntity<Resource> download(@PathVariable String sha256, @PathVariable String file) {
    StoredPackage stored = store.find(sha256, file).orElseThrow(() -> new NotFoundException("No package "
        + file + " with digest " + sha256 + " is stored here; submit the topology again to rebuild it."));
    return ResponseEntity.ok()
        .eTag("\"" + stored.sha256() + "\"")
        .cacheControl(CacheControl.maxAge(java.time.Duration.ofDays(365)).cachePublic().immutable())
        .contentType(mediaTypeOf(stored.fileName()))
        .contentLength(stored.size())
        .body(new FileSystemResource(stored.path()));
  }

  static MediaType mediaTypeOf(String fileName) {
    return fileName.endsWith(".gz") || fileName.endsWith(".tgz") ? GZIP : MediaType.APPLICATION_OCTET_STREAM;
  }
}
