package io.heroncp.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Whether a URI can be fetched from this host: {@code http}/{@code https} with a HEAD, then (when
 * the server does not answer HEAD with 2xx, as some artifact stores and pre-signed URLs do not) a
 * one-byte ranged GET whose body is not read; {@code file} by existence and readability here.
 * Redirects are not followed but reported as failures: the Heron job template fetches with {@code
 * curl <uri> -o <file>}, without {@code -L}, so an agent would save the redirect instead of the
 * package. Thread-safe.
 */
final class UriFetchCheck {

  /**
   * @param ok whether it can be fetched
   * @param detail what was found, or why not
   */
  record Outcome(boolean ok, String detail) {}

  private final HttpClient http;
  private final Duration timeout;

  UriFetchCheck(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  Outcome check(URI uri) {
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    switch (scheme) {
      case "http", "https":
        return http(uri);
      case "file":
        return file(uri);
      default:
        return new Outcome(
            false,
            "the service cannot check '"
                + scheme
                + ":' URIs; use http(s) or file, or check "
                + uri
                + " from an Aurora agent");
    }
  }

  private Outcome file(URI uri) {
    Path path;
    try {
      path = Path.of(uri);
    } catch (IllegalArgumentException e) {
      return new Outcome(
          false,
          uri + " is not a local file URI (" + e.getMessage() + "); use file:///absolute/path");
    }
    // Aurora's agents read file: URIs on their own hosts; this host is only one of them (local
    // setups).
    String where = " on the service's host (agents read file: URIs on their own hosts)";
    if (!Files.exists(path)) {
      return new Outcome(false, "file " + path + " does not exist" + where);
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      return new Outcome(false, "file " + path + " is not a readable regular file" + where);
    }
    try {
      return new Outcome(
          true, "file " + path + " readable, " + Files.size(path) + " bytes" + where);
    } catch (IOException e) {
      return new Outcome(false, "file " + path + " cannot be read: " + e.getMessage());
    }
  }

  private Outcome http(URI uri) {
    int headStatus;
    try {
      HttpResponse<Void> head =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(timeout)
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      headStatus = head.statusCode();
      if (headStatus / 100 == 3) {
        return redirected(
            uri, "HEAD", headStatus, head.headers().firstValue("Location").orElse(null));
      }
      if (headStatus / 100 == 2) {
        return new Outcome(
            true,
            "HEAD "
                + uri
                + " answered "
                + headStatus
                + head.headers()
                    .firstValue("Content-Length")
                    .map(length -> ", " + length + " bytes")
                    .orElse(""));
      }
    } catch (IOException e) {
      return new Outcome(false, "cannot reach " + uri + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, "interrupted");
    }
    try {
      HttpResponse<InputStream> get =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(timeout)
                  .header("Range", "bytes=0-0")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      // Close without reading: a server that ignores Range would otherwise send the whole package.
      get.body().close();
      int status = get.statusCode();
      if (status / 100 == 3) {
        return redirected(
            uri, "a ranged GET", status, get.headers().firstValue("Location").orElse(null));
      }
      if (status == 200 || status == 206) {
        return new Outcome(
            true, "HEAD " + uri + " answered " + headStatus + ", a ranged GET answered " + status);
      }
      return new Outcome(
          false,
          "HEAD "
              + uri
              + " answered "
              + headStatus
              + " and a ranged GET "
              + status
              + "; check the URI and that the server lets this host download it");
    } catch (IOException e) {
      return new Outcome(
          false,
          "HEAD " + uri + " answered " + headStatus + ", the ranged GET failed: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, "interrupted");
    }
  }

  private static Outcome redirected(URI uri, String request, int status, String location) {
    return new Outcome(
        false,
        request
            + " "
            + uri
            + " answered "
            + status
            + " redirecting to "
            + (location == null ? "(no Location)" : location)
            + "; Aurora's agents fetch with curl without -L and"
            + " would save the redirect, not the package: use the final URI");
  }

  private static String describe(IOException e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + " " + e.getMessage();
  }
}
