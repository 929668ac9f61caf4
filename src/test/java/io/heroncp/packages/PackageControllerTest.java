package io.heroncp.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.head;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.heroncp.problems.ControlPlaneException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

class PackageControllerTest {

  @TempDir Path directory;
  private PackageStore store;
  private MockMvc mvc;
  private final byte[] content = FileSystemPackageStoreTest.randomBytes(70_000, 20);

  @BeforeEach
  void setUp() {
    store = new FileSystemPackageStore(directory.resolve("store"));
    mvc =
        MockMvcBuilders.standaloneSetup(new PackageController(store, PackageUrlSigner.unsigned()))
            .setControllerAdvice(new Problems())
            .build();
  }

  @Test
  void getStreamsTheStoredBytesWithImmutableCachingHeaders() throws Exception {
    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "topology.tar.gz", 1_000_000);

    mvc.perform(get("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz"))
        .andExpect(status().isOk())
        .andExpect(header().string("Content-Type", "application/gzip"))
        .andExpect(header().longValue("Content-Length", content.length))
        .andExpect(header().string("ETag", "\"" + stored.sha256() + "\""))
        .andExpect(header().string("Cache-Control", "max-age=31536000, public, immutable"))
        .andExpect(content().bytes(content));
  }

  @Test
  void rangeRequestAnswers206WithThePart() throws Exception {
    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "topology.tar.gz", 1_000_000);

    mvc.perform(
            get("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz")
                .header("Range", "bytes=100-199"))
        .andExpect(status().isPartialContent())
        .andExpect(header().longValue("Content-Length", 100))
        .andExpect(header().string("Content-Range", "bytes 100-199/" + content.length))
        .andExpect(content().bytes(java.util.Arrays.copyOfRange(content, 100, 200)));
  }

  @Test
  void headAnswersTheSameHeadersWithoutBody() throws Exception {
    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "word-count.jar", 1_000_000);

    var result =
        mvc.perform(head("/api/v1/packages/{sha}/{file}", stored.sha256(), "word-count.jar"))
            .andExpect(status().isOk())
            .andExpect(header().string("Content-Type", "application/octet-stream"))
            .andExpect(header().longValue("Content-Length", content.length))
            .andExpect(header().string("ETag", "\"" + stored.sha256() + "\""))
            .andReturn();
    assertThat(result.getResponse().getContentAsByteArray()).isEmpty();
  }

  @Test
  void matchingIfNoneMatchAnswers304() throws Exception {
    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "topology.tar.gz", 1_000_000);

    var result =
        mvc.perform(
                get("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz")
                    .header("If-None-Match", "\"" + stored.sha256() + "\""))
            .andExpect(status().isNotModified())
            .andReturn();
    assertThat(result.getResponse().getContentAsByteArray()).isEmpty();
  }

  @Test
  void unknownDigestOrNameAnswers404() throws Exception {
    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "topology.tar.gz", 1_000_000);

    mvc.perform(get("/api/v1/packages/{sha}/{file}", "0".repeat(64), "topology.tar.gz"))
        .andExpect(status().isNotFound());
    mvc.perform(get("/api/v1/packages/{sha}/{file}", stored.sha256(), "other.tar.gz"))
        .andExpect(status().isNotFound());
    mvc.perform(head("/api/v1/packages/{sha}/{file}", stored.sha256(), "other.tar.gz"))
        .andExpect(status().isNotFound());
  }

  @Test
  void headWithMatchingIfNoneMatchAnswers304() throws Exception {
    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "topology.tar.gz", 1_000_000);

    mvc.perform(
            head("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz")
                .header("If-None-Match", "\"" + stored.sha256() + "\""))
        .andExpect(status().isNotModified());
  }

  @Test
  void invalidDigestOrNameAnswers404WithoutReadingOutsideTheStore() throws Exception {
    Files.writeString(directory.resolve("secret.txt"), "secret");

    mvc.perform(get("/api/v1/packages/{sha}/{file}", "..", "secret.txt"))
        .andExpect(status().isNotFound());
    mvc.perform(get("/api/v1/packages/..%2F/secret.txt")).andExpect(status().isNotFound());
    mvc.perform(get("/api/v1/packages/{sha}/{file}", "A".repeat(64), "x"))
        .andExpect(status().isNotFound());
    mvc.perform(get("/api/v1/packages/{sha}/{file}", "a".repeat(64), ".."))
        .andExpect(status().isNotFound());
  }

  @Test
  void withSignaturesRequiredAMissingOrWrongSigAnswers403BeforeTheStoreIsLookedAt()
      throws Exception {
    PackageUrlSigner signer =
        new PackageUrlSigner("0123456789abcdef0123456789abcdef", java.util.List.of(), true);
    MockMvc signed =
        MockMvcBuilders.standaloneSetup(new PackageController(store, signer))
            .setControllerAdvice(new Problems())
            .build();
    StoredPackage stored =
        store.store(new ByteArrayInputStream(content), "topology.tar.gz", 1_000_000);
    String sig = signer.sign(stored.sha256(), "topology.tar.gz");

    signed
        .perform(
            get("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz")
                .param("sig", sig))
        .andExpect(status().isOk())
        .andExpect(content().bytes(content));
    signed
        .perform(
            get("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz")
                .param("sig", sig)
                .header("If-None-Match", "\"" + stored.sha256() + "\""))
        .andExpect(status().isNotModified());
    signed
        .perform(
            get("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz")
                .param("sig", sig)
                .header("Range", "bytes=0-9"))
        .andExpect(status().isPartialContent());
    signed
        .perform(get("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz"))
        .andExpect(status().isForbidden())
        .andExpect(content().string(org.hamcrest.Matchers.containsString("no sig")));
    signed
        .perform(
            head("/api/v1/packages/{sha}/{file}", stored.sha256(), "topology.tar.gz")
                .param("sig", "00" + sig))
        .andExpect(status().isForbidden());
    // An unknown package is not told apart from a stored one without a valid signature.
    signed
        .perform(
            get("/api/v1/packages/{sha}/{file}", "0".repeat(64), "topology.tar.gz")
                .param("sig", sig))
        .andExpect(status().isForbidden())
        .andExpect(content().string(org.hamcrest.Matchers.containsString("sig is invalid")));
    signed
        .perform(
            get("/api/v1/packages/{sha}/{file}", "0".repeat(64), "topology.tar.gz")
                .param("sig", signer.sign("0".repeat(64), "topology.tar.gz")))
        .andExpect(status().isNotFound());
  }

  /** Stands in for the application's problem handler: domain exception to its status. */
  @RestControllerAdvice
  static class Problems {
    @ExceptionHandler(ControlPlaneException.class)
    ResponseEntity<String> handle(ControlPlaneException e) {
      return ResponseEntity.status(e.status()).body(e.getMessage());
    }
  }
}
