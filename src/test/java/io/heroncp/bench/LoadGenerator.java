package io.heroncp.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed number of workers sending GETs to one URL, either as fast as answers come back (closed
 * loop) or at a fixed total rate. Latencies are kept per request, so results of several runs can be
 * merged before percentiles are taken.
 */
final class LoadGenerator implements AutoCloseable {

  /** What one run measured; {@code latenciesNanos} holds successful and failed requests alike. */
  record Result(long requests, long errors, double seconds, long[] latenciesNanos) {

    double throughput() {
      return seconds == 0 ? 0 : requests / seconds;
    }

    double percentileMillis(double p) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }

    Result plus(Result other) {
      long[] all =
          Arrays.copyOf(latenciesNanos, latenciesNanos.length + other.latenciesNanos.length);
      System.arraycopy(
          other.latenciesNanos, 0, all, latenciesNanos.length, other.latenciesNanos.length);
      return new Result(
          requests + other.requests, errors + other.errors, seconds + other.seconds, all);
    }

    static Result empty() {
      return new Result(0, 0, 0, new long[0]);
    }
  }

  private final HttpClient client;
  private final ExecutorService pool;
  private final int workers;

  LoadGenerator(int workers) {
    this.workers = workers;
    this.pool =
        Executors.newFixedThreadPool(
            workers,
            r -> {
              Thread thread = new Thread(r, "load-worker");
              thread.setDaemon(true);
              return thread;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  HttpClient client() {
    return client;
  }

  /** Closed loop: every worker sends its next request as soon as the previous one answered. */
  Result closedLoop(URI url, Duration duration) {
    return run(url, duration, 0);
  }

  /**
   * Open loop at {@code perSecond} requests in total, spread over the workers; when the service
   * answers slower than that, the achieved rate (in the result) is lower.
   */
  Result atRate(URI url, Duration duration, double perSecond) {
    return run(url, duration, perSecond);
  }

  private Result run(URI url, Duration duration, double perSecond) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    long intervalNanos = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
    AtomicLong slots = new AtomicLong();
    List<Future<Result>> futures = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      futures.add(
          pool.submit(
              () -> {
                long[] latencies = new long[1024];
                int count = 0;
                long errors = 0;
                while (true) {
                  if (intervalNanos > 0) {
                    long due = start + slots.getAndIncrement() * intervalNanos;
                    if (due >= deadline) {
                      break;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                  } else if (System.nanoTime() >= deadline) {
                    break;
                  }
                  long sent = System.nanoTime();
                  if (!send(request)) {
                    errors++;
                  }
                  if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                  }
                  latencies[count++] = System.nanoTime() - sent;
                }
                return new Result(count, errors, 0, Arrays.copyOf(latencies, count));
              }));
    }
    Result total = Result.empty();
    for (Future<Result> future : futures) {
      try {
        total = total.plus(future.get());
      } catch (Exception e) {
        throw new IllegalStateException("A load worker failed", e);
      }
    }
    double seconds = Math.max(System.nanoTime(), deadline) - start;
    return new Result(total.requests(), total.errors(), seconds / 1e9, total.latenciesNanos());
  }

  private boolean send(HttpRequest request) {
    try {
      // Every byte is read off the socket and dropped, as wrk does: a 200 KB list page is not
      // copied into an array the benchmark never looks at, on cores it shares with the service.
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
