package io.heroncp.packages;

import io.heroncp.problems.ForbiddenException;
import io.heroncp.problems.NotFoundException;
import java.time.Duration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves stored packages to Aurora's agents: {@code GET} and {@code HEAD
 * /api/v1/packages/{sha256}/{file}}.
 *
 * <p>Content never changes under a digest, so responses carry {@code ETag: "<sha256>"} and a
 * one-year immutable {@code Cache-Control}; {@code If-None-Match} answers 304 and {@code Range}
 * requests are honoured (Spring's resource handling). An unknown or invalid digest or file name
 * answers 404 without touching the file system outside the store. With the S3 store the bytes are
 * streamed from the bucket (a {@code Range} becomes a ranged GET), so any replica serves any
 * package.
 *
 * <p>With {@code heroncp.security.enabled=true} a request must carry the URI's {@code sig} ({@link
 * PackageUrlSigner}); without one, or with a wrong one, it answers 403 before the store is looked
 * at.
 */
@RestController
class PackageController {

  static final String PATH = "/api/v1/packages/{sha256}/{file}";
  static final MediaType GZIP = MediaType.parseMediaType("application/gzip");

  private final PackageStore store;
  private final PackageUrlSigner signer;

  PackageController(PackageStore store, PackageUrlSigner signer) {
    this.store = store;
    this.signer = signer;
  }

  @GetMapping(PATH)
  ResponseEntity<Resource> download(
      @PathVariable String sha256,
      @PathVariable String file,
      @RequestParam(name = PackageUrlSigner.PARAMETER, required = false) String sig) {
    checkSignature(sha256, file, sig);
    StoredPackage stored = find(sha256, file);
    return headers(stored).body(store.content(stored));
  }

  /**
   * Same headers as GET, without opening the file (a GET mapping would read it only to discard it).
   */
  @RequestMapping(path = PATH, method = RequestMethod.HEAD)
  ResponseEntity<Void> head(
      @PathVariable String sha256,
      @PathVariable String file,
      @RequestParam(name = PackageUrlSigner.PARAMETER, required = false) String sig) {
    checkSignature(sha256, file, sig);
    return headers(find(sha256, file)).build();
  }

  /**
   * Before the store is looked at: without a valid signature, nothing tells whether a package
   * exists.
   */
  private void checkSignature(String sha256, String file, String sig) {
    if (!signer.required()) {
      return;
    }
    if (sig == null || sig.isEmpty()) {
      throw new ForbiddenException(
          "The package URL is a signed capability and this request has no sig"
              + " parameter; use the package URI exactly as the topology's record gives it.",
          PackageUrlSigner.PARAMETER);
    }
    if (!signer.verify(sha256, file, sig)) {
      throw new ForbiddenException(
          "The package URL is a signed capability and its sig is invalid for this"
              + " digest and file; use the package URI exactly as the topology's record gives it.",
          PackageUrlSigner.PARAMETER);
    }
  }

  private StoredPackage find(String sha256, String file) {
    return store
        .find(sha256, file)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "No package "
                        + file
                        + " with digest "
                        + sha256
                        + " is stored here; submit the topology again to rebuild it."));
  }

  private static ResponseEntity.BodyBuilder headers(StoredPackage stored) {
    return ResponseEntity.ok()
        .eTag("\"" + stored.sha256() + "\"")
        .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
        .contentType(mediaTypeOf(stored.fileName()))
        .contentLength(stored.size());
  }

  static MediaType mediaTypeOf(String fileName) {
    return fileName.endsWith(".gz") || fileName.endsWith(".tgz")
        ? GZIP
        : MediaType.APPLICATION_OCTET_STREAM;
  }
}
