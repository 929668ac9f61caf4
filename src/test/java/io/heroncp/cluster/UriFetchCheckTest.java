package io.heroncp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UriFetchCheckTest {

  private final UriFetchCheck check = new UriFetchCheck(Duration.ofSeconds(5));
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @TempDir Path directory;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // A plain file server.
    server.createContext(
        "/plain/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
          exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : 3);
          exchange.getResponseBody().write(new byte[] {1, 2, 3});
          exchange.close();
        });
    // An artifact store that refuses HEAD (as pre-signed GET URLs do) but honours Range.
    server.createContext(
        "/no-head/",
        exchange -> {
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getPath()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Range"));
          if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(403, -1);
          } else {
            exchange.sendResponseHeaders(206, 1);
            exchange.getResponseBody().write(1);
          }
          exchange.close();
        });
    // A store that moved its files, as a CDN or an artifact repository's "latest" link does.
    server.createContext(
        "/moved/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
          exchange.getResponseHeaders().set("Location", "/plain/heron-core.tar.gz");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    server.createContext(
        "/missing/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void httpUriAnsweringHeadIsFetchableWithoutAGet() {
    UriFetchCheck.Outcome outcome = check.check(uri("/plain/heron-core.tar.gz"));

    assertThat(outcome.ok()).as(outcome.detail()).isTrue();
    assertThat(outcome.detail()).contains("answered 200");
    assertThat(requests).containsExactly("HEAD /plain/heron-core.tar.gz");
  }

  @Test
  void aRedirectFailsBecauseAgentsFetchWithoutFollowingIt() {
    UriFetchCheck.Outcome outcome = check.check(uri("/moved/heron-core.tar.gz"));

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.detail())
        .isEqualTo(
            "HEAD "
                + uri("/moved/heron-core.tar.gz")
                + " answered 302 redirecting"
                + " to /plain/heron-core.tar.gz; Aurora's agents fetch with curl without -L and would save the redirect, not"
                + " the package: use the final URI");
    assertThat(requests).containsExactly("HEAD /moved/heron-core.tar.gz");
  }

  @Test
  void httpUriRefusingHeadIsCheckedWithAOneByteRangedGet() {
    UriFetchCheck.Outcome outcome = check.check(uri("/no-head/heron-core.tar.gz"));

    assertThat(outcome.ok()).as(outcome.detail()).isTrue();
    assertThat(outcome.detail()).contains("HEAD", "403", "ranged GET answered 206");
    assertThat(requests)
        .containsExactly(
            "HEAD /no-head/heron-core.tar.gz null", "GET /no-head/heron-core.tar.gz bytes=0-0");
  }

  @Test
  void httpUriAnswering404IsNotFetchable() {
    UriFetchCheck.Outcome outcome = check.check(uri("/missing/heron-core.tar.gz"));

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.detail()).contains("HEAD", "404", "ranged GET 404");
  }

  @Test
  void httpUriWithNothingListeningIsNotFetchable() {
    UriFetchCheck.Outcome outcome = check.check(URI.create("http://127.0.0.1:9/heron-core.tar.gz"));

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.detail()).startsWith("cannot reach http://127.0.0.1:9/heron-core.tar.gz");
  }

  @Test
  void fileUriIsFetchableWhenTheFileExistsAndNotOtherwise() throws Exception {
    Path core = Files.write(directory.resolve("heron-core.tar.gz"), new byte[] {1, 2});

    UriFetchCheck.Outcome present = check.check(core.toUri());
    UriFetchCheck.Outcome absent = check.check(directory.resolve("absent.tar.gz").toUri());
    UriFetchCheck.Outcome aDirectory = check.check(directory.toUri());

    assertThat(present.ok()).isTrue();
    assertThat(present.detail()).contains(core.toString(), "2 bytes");
    assertThat(absent.ok()).isFalse();
    assertThat(absent.detail()).contains("absent.tar.gz does not exist");
    assertThat(aDirectory.ok()).isFalse();
    assertThat(aDirectory.detail()).contains("not a readable regular file");
  }

  @Test
  void otherSchemesAreReportedAsNotCheckable() {
    UriFetchCheck.Outcome outcome =
        check.check(URI.create("hdfs://namenode/heron/heron-core.tar.gz"));

    assertThat(outcome.ok()).isFalse();
    assertThat(outcome.detail()).contains("cannot check 'hdfs:' URIs");
  }
}
