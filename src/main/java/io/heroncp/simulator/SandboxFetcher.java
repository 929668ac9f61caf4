package io.heroncp.simulator;

import io.heroncp.aurora.thrift.TaskConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.JsonNode;

/**
 * The simulated agent's fetch processes: what Thermos does for every {@code curl <uri> -o <file> &&
 * tar zxf <file>} process of a task (the Heron job template's {@code fetch_heron_system} and {@code
 * fetch_user_package}), done for real from this host: download the URI ({@code http}, {@code https}
 * or {@code file}) and read the whole archive as gzip and tar. Nothing is written to disk.
 *
 * <p>As with {@code curl} without {@code --fail}, an HTTP error status is not itself the failure:
 * the error page is what {@code tar} then refuses. The messages follow curl's and tar's own
 * wording, plus the URI and the status seen. Thread-safe.
 */
final class SandboxFetcher implements AutoCloseable {

  /**
   * One fetch process of a task.
   *
   * @param process the Thermos process name
   * @param uri the URI as written in the command line
   * @param file the local file name it is saved as
   */
  record Fetch(String process, String uri, String file) {}

  private static final Pattern FETCH =
      Pattern.compile("^\\s*curl\\s+(\\S+)\\s+-o\\s+(\\S+)\\s+&&\\s+tar\\s+zxf\\s+(\\S+)\\s*$");

  private final HttpClient http;

  /** Closes downloads that outlive the timeout: a blocked read cannot be interrupted otherwise. */
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "aurora-simulator-fetch-watchdog");
            thread.setDaemon(true);
            return thread;
          });

  private final Duration timeout;

  /**
   * @param timeout the longest one download may take, connecting and reading the whole body
   *     included
   */
  SandboxFetcher(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * The fetch processes of a task's Thermos configuration ({@code executorConfig.data}), in the
   * order of its {@code processes} list; empty when the task has none or its data is not Thermos
   * JSON.
   */
  static List<Fetch> fetches(TaskConfig task) {
    JsonNode root = ThermosExecutorData.of(task).orElse(null);
    if (root == null) {
      return List.of();
    }
    List<Fetch> fetches = new ArrayList<>();
    for (JsonNode process : root.path("task").path("processes")) {
      Matcher matcher = FETCH.matcher(process.path("cmdline").asString(""));
      if (matcher.matches() && matcher.group(2).equals(matcher.group(3))) {
        fetches.add(
            new Fetch(process.path("name").asString(""), matcher.group(1), matcher.group(2)));
      }
    }
    return List.copyOf(fetches);
  }

  /**
   * Runs the fetches in order, as Thermos's sequential task does, stopping at the first failure.
   *
   * @return why the first failing process failed, or empty when all succeeded
   */
  Optional<String> run(List<Fetch> fetches) {
    for (Fetch fetch : fetches) {
      Optional<String> failure = run(fetch);
      if (failure.isPresent()) {
        return Optional.of("Process " + fetch.process() + " failed: " + failure.get());
      }
    }
    return Optional.empty();
  }

  private Optional<String> run(Fetch fetch) {
    URI uri;
    try {
      uri = new URI(fetch.uri());
    } catch (URISyntaxException e) {
      return Optional.of("curl: (3) URL using bad/illegal format or missing URL: " + fetch.uri());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "http", "https" -> http(uri, fetch.file());
      case "file" -> file(uri, fetch.file());
      default -> Optional.of("curl: (1) Protocol \"" + scheme + "\" not supported: " + fetch.uri());
    };
  }

  private Optional<String> file(URI uri, String file) {
    Path path;
    try {
      path = Path.of(uri);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return Optional.of("curl: (3) URL using bad/illegal format or missing URL: " + uri);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return untar(in, file, uri.toString());
    } catch (NoSuchFileException e) {
      return Optional.of("curl: (37) Couldn't open file " + path);
    } catch (IOException e) {
      return Optional.of("curl: (37) Couldn't open file " + path + " (" + e.getMessage() + ")");
    }
  }

  private Optional<String> http(URI uri, String file) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<InputStream> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      return Optional.of(
          "curl: (28) Connection timed out after " + timeout.toMillis() + " milliseconds: " + uri);
    } catch (HttpTimeoutException e) {
      return Optional.of(
          "curl: (28) Operation timed out after " + timeout.toMillis() + " milliseconds: " + uri);
    } catch (ConnectException e) {
      return Optional.of(
          "curl: (7) Failed to connect to "
              + uri.getHost()
              + " port "
              + port(uri)
              + ": Connection refused");
    } catch (IOException e) {
      if (e.getCause() instanceof UnknownHostException || e instanceof UnknownHostException) {
        return Optional.of("curl: (6) Could not resolve host: " + uri.getHost());
      }
      return Optional.of("curl: (56) Failure when receiving data from " + uri + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while fetching " + uri);
    }
    int status = response.statusCode();
    AtomicBoolean timedOut = new AtomicBoolean();
    try (InputStream body = response.body()) {
      ScheduledFuture<?> cutOff =
          watchdog.schedule(
              () -> {
                timedOut.set(true);
                closeQuietly(body);
              },
              Math.max(0, deadline - System.nanoTime()),
              TimeUnit.NANOSECONDS);
      Optional<String> failure;
      try {
        failure = untar(body, file, uri.toString());
      } finally {
        cutOff.cancel(false);
      }
      if (timedOut.get()) {
        return Optional.of(
            "curl: (28) Operation timed out after " + timeout.toMillis() + " milliseconds: " + uri);
      }
      if (failure.isPresent() && status / 100 != 2) {
        return Optional.of(failure.get() + " (" + uri + " answered HTTP " + status + ")");
      }
      return failure;
    } catch (IOException e) {
      return Optional.of(
          "curl: (56) Failure when receiving data from " + uri + ": " + e.getMessage());
    }
  }

  /** Stops the watchdog thread; call when no fetch runs any more. Idempotent. */
  @Override
  public void close() {
    watchdog.shutdownNow();
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the read it unblocks reports the failure
    }
  }

  /** {@code tar zxf} of what was downloaded, reading every entry to the end of the archive. */
  private static Optional<String> untar(InputStream downloaded, String file, String uri) {
    byte[] magic = new byte[2];
    BufferedInputStream in = new BufferedInputStream(downloaded);
    try {
      in.mark(2);
      int read = in.readNBytes(magic, 0, 2);
      in.reset();
      if (read < 2 || (magic[0] & 0xff) != 0x1f || (magic[1] & 0xff) != 0x8b) {
        return Optional.of(
            "tar zxf " + file + ": gzip: stdin: not in gzip format (" + uri + " is not a .tar.gz)");
      }
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
        while (tar.getNextEntry() != null) {
          tar.transferTo(OutputStream.nullOutputStream());
        }
      }
      return Optional.empty();
    } catch (ZipException e) {
      return Optional.of(
          "tar zxf " + file + ": gzip: stdin: invalid compressed data (" + e.getMessage() + ")");
    } catch (java.io.EOFException e) {
      return Optional.of("tar zxf " + file + ": gzip: stdin: unexpected end of file");
    } catch (IOException e) {
      return Optional.of(
          "tar zxf "
              + file
              + ": tar: This does not look like a tar archive ("
              + e.getMessage()
              + ")");
    }
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
