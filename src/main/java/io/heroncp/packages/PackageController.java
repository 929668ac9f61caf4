package io.heroncp.packages;

import io.heroncp.problems.NotFoundException;
import java.time.Duration;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
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

  static final String PATH = "/api/v1/packages/{sha256}/{file}";
  static final MediaType GZIP = MediaType.parseMediaType("application/gzip");

  private final PackageStore store;

  PackageController(PackageStore store) {
    this.store = store;
  }

  @GetMapping(PATH)
  ResponseEntity<Resource> download(@PathVariable String sha256, @PathVariable String file) {
    StoredPackage stored = find(sha256, file);
    return headers(stored).body(new FileSystemResource(stored.path()));
  }

  /** Same headers as GET, without opening the file (a GET mapping would read it only to discard it). */
  @RequestMapping(path = PATH, method = RequestMethod.HEAD)
  ResponseEntity<Void> head(@PathVariable String sha256, @PathVariable String file) {
    return headers(find(sha256, file)).build();
  }

  private StoredPackage find(String sha256, String file) {
    return store.find(sha256, file).orElseThrow(() -> new NotFoundException("No package " + file
        + " with digest " + sha256 + " is stored here; submit the topology again to rebuild it."));
  }

  private static ResponseEntity.BodyBuilder headers(StoredPackage stored) {
    return ResponseEntity.ok()
        .eTag("\"" + stored.sha256() + "\"")
        .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
        .contentType(mediaTypeOf(stored.fileName()))
        .contentLength(stored.size());
  }

  static MediaType mediaTypeOf(String fileName) {
    return fileName.endsWith(".gz") || fileName.endsWith(".tgz") ? GZIP : MediaType.APPLICATION_OCTET_STREAM;
  }
}
