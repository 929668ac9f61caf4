package io.heroncp.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heroncp.reliability.ReliabilityCluster.Observed;
import io.heroncp.reliability.ReliabilityCluster.Replica;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The reliability suite (issue P8), against the built jar: two service replicas, the Aurora
 * simulator and ZooKeeper, each a process of its own on 127.0.0.1 (see {@link ReliabilityCluster}).
 * Runs in {@code ./mvnw verify} after {@code package}; needs no Docker.
 *
 * <ol>
 *   <li>Replicas race: the same topology submitted and killed through both replicas at once has
 *       exactly one winner; the others answer 409 or 404.
 *   <li>Crash recovery: {@code kill -9} of a replica at a seeded random offset into a submit, kill
 *       or update; the replica is started again, and the reconciler brings the topology to fully
 *       present or fully gone (record, Heron's nodes and the Aurora job agree; its package stored),
 *       matching the answer when one was given.
 *   <li>ZooKeeper faults: stopped, then paused (SIGSTOP) under the running service: mutations
 *       answer 503/504 problem+json within the operation timeout, reads and health answer within a
 *       second, and once ZooKeeper is back the same processes serve mutations again; nothing
 *       acknowledged is lost.
 * </ol>
 *
 * Figures (trials, seed, convergence and answer times) are printed as lines starting with {@code
 * [reliability]} and appended to {@code target/reliability-report.txt}. The seed comes from {@code
 * -Dreliability.seed}, else the clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

  private static final int CRASH_TRIALS = Integer.getInteger("reliability.trials", 20);
  private static final Duration CONVERGENCE_LIMIT = Duration.ofSeconds(45);

  /** The answer bound of a mutation while ZooKeeper is down: the timeout plus time to answer. */
  private static final Duration MUTATION_BOUND =
      ReliabilityCluster.OPERATION_TIMEOUT.plus(Duration.ofMillis(1500));

  private static final Duration READ_BOUND = Duration.ofSeconds(1);

  private final long seed = Long.getLong("reliability.seed", System.currentTimeMillis());
  private final Random random = new Random(seed);
  private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();

  /** What each answered mutation promised: true = present, false = gone. */
  private final Map<String, Boolean> acknowledged = new LinkedHashMap<>();

  private ReliabilityCluster cluster;

  /** The parallelism of Zk1's spout: each update asks for another one. */
  private int zk1Parallelism = 1;

  @BeforeAll
  void startCluster() throws Exception {
    Path jar =
        Path.of(
            System.getProperty("reliability.jar", "target/heron-controlplane-0.1.0-SNAPSHOT.jar"));
    assertThat(jar).as("the built jar (./mvnw package)").isRegularFile();
    Path work = Files.createTempDirectory(Path.of("target"), "reliability-");
    cluster = new ReliabilityCluster(jar.toAbsolutePath(), work.toAbsolutePath());
    report("seed=%d work=%s (rerun with -Dreliability.seed=%d)", seed, work, seed);
    // The .defn files come from heron-api in child JVMs: made while the processes start.
    CompletableFuture<Void> definitions =
        CompletableFuture.runAsync(
            () -> {
              for (String name : allNames()) {
                cluster.submit(cluster.replica(0), name);
              }
            });
    long started = System.nanoTime();
    cluster.start();
    definitions.join();
    report("cluster started in %d ms", (System.nanoTime() - started) / 1_000_000);
  }

  @AfterAll
  void stopCluster() throws Exception {
    killer.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<String> allNames() {
    List<String> names = new ArrayList<>(List.of("Race0", "Race1", "Zk0", "Zk1", "Zk2"));
    for (int i = 0; i < CRASH_POOL; i++) {
      names.add("Crash" + i);
    }
    return names;
  }

  private static final int CRASH_POOL = 5;

  // ---------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void theSameTopologyThroughTwoReplicasAtOnceHasExactlyOneWinner() throws Exception {
    for (String name : List.of("Race0", "Race1")) {
      List<HttpResponse<String>> submits =
          all(
              List.of(
                  cluster.submit(cluster.replica(0), name),
                  cluster.submit(cluster.replica(1), name),
                  cluster.submit(cluster.replica(0), name),
                  cluster.submit(cluster.replica(1), name)));
      List<Integer> submitted = statuses(submits);
      assertThat(submitted).as("submits of %s: %s", name, bodies(submits)).isSubsetOf(201, 409);
      assertThat(Collections.frequency(submitted, 201)).as("winners of the submit").isEqualTo(1);
      acknowledged.put(name, true);
      awaitConverged(name, true);

      List<HttpResponse<String>> kills =
          all(
              List.of(
                  cluster.kill(cluster.replica(1), name),
                  cluster.kill(cluster.replica(0), name),
                  cluster.kill(cluster.replica(1), name),
                  cluster.kill(cluster.replica(0), name)));
      List<Integer> killed = statuses(kills);
      assertThat(killed).as("kills of %s: %s", name, bodies(kills)).isSubsetOf(200, 404, 409);
      assertThat(Collections.frequency(killed, 200)).as("winners of the kill").isEqualTo(1);
      acknowledged.put(name, false);
      awaitConverged(name, false);
      report("race %s: submits %s, kills %s", name, submitted, killed);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private enum Action {
    SUBMIT,
    KILL,
    UPDATE
  }

  private record Trial(
      int number,
      Action action,
      String topology,
      String victim,
      long offsetMillis,
      String answer,
      String outcome,
      long convergenceMillis) {}

  @Test
  @Order(2)
  void killMinus9DuringSubmitKillAndUpdateConvergesToFullyPresentOrFullyGone() throws Exception {
    TreeSet<String> present = new TreeSet<>();
    TreeSet<String> gone = new TreeSet<>();
    for (int i = 0; i < CRASH_POOL; i++) {
      gone.add("Crash" + i);
    }
    Map<String, Integer> parallelism = new LinkedHashMap<>();
    // First guesses of how long each request takes, replaced by what the trials measure.
    Map<Action, List<Long>> durations = new java.util.EnumMap<>(Action.class);
    durations.put(Action.SUBMIT, new ArrayList<>(List.of(600L)));
    durations.put(Action.KILL, new ArrayList<>(List.of(300L)));
    durations.put(Action.UPDATE, new ArrayList<>(List.of(800L)));
    List<Trial> trials = new ArrayList<>();
    for (int t = 0; t < CRASH_TRIALS; t++) {
      Replica victim = cluster.replica(t % 2);
      Replica survivor = cluster.replica(1 - t % 2);
      victim.awaitReady(Duration.ofSeconds(120));
      if (present.size() < 2) {
        // Stock for kill and update trials, submitted without a crash.
        String stock = pickFrom(gone);
        survivor.awaitReady(Duration.ofSeconds(120));
        assertThat(cluster.send(cluster.submit(survivor, stock)).statusCode()).isEqualTo(201);
        awaitConverged(stock, true);
        gone.remove(stock);
        present.add(stock);
        acknowledged.put(stock, true);
      }
      Action action = pick(present, gone);
      String name = action == Action.SUBMIT ? pickFrom(gone) : pickFrom(present);
      int newParallelism = parallelism.getOrDefault(name, 1) % 3 + 1;
      HttpRequest request =
          switch (action) {
            case SUBMIT -> cluster.submit(victim, name);
            case KILL -> cluster.kill(victim, name);
            case UPDATE -> cluster.update(victim, name, newParallelism);
          };
      // Offsets spread over the time such a request has taken so far (its median), so most kills
      // land while it is in flight.
      long offset = random.nextInt((int) Math.max(50, median(durations.get(action))));
      long sentAt = System.nanoTime();
      CompletableFuture<HttpResponse<String>> answer = cluster.sendAsync(request);
      CompletableFuture<Long> answeredAt = answer.thenApply(response -> System.nanoTime());
      long killedAt =
          killer
              .schedule(
                  () -> {
                    victim.process.kill9();
                    return System.nanoTime();
                  },
                  offset,
                  TimeUnit.MILLISECONDS)
              .get();
      victim.process.start(); // the same command on the same data: a restart after a crash
      Integer status = answerIfAny(answer);
      if (status != null) {
        durations.get(action).add((answeredAt.join() - sentAt) / 1_000_000);
      }
      Observed converged = awaitEitherEnd(name, killedAt);
      long convergence = (System.nanoTime() - killedAt) / 1_000_000;
      boolean isPresent = converged.fullyPresent();
      if (status != null && status / 100 == 2) {
        // An answer given before the crash is a promise the crash must not break.
        assertThat(isPresent)
            .as("trial %d: %s %s answered %d, then %s", t, action, name, status, converged)
            .isEqualTo(action != Action.KILL);
      }
      if (isPresent) {
        gone.remove(name);
        present.add(name);
        if (action == Action.UPDATE && status != null && status == 200) {
          parallelism.put(name, newParallelism);
        }
      } else {
        present.remove(name);
        gone.add(name);
        parallelism.remove(name);
      }
      acknowledged.put(name, isPresent);
      Trial trial =
          new Trial(
              t,
              action,
              name,
              victim.name,
              offset,
              status == null ? "none (killed first)" : Integer.toString(status),
              converged.outcome(),
              convergence);
      trials.add(trial);
      report(
          "crash trial %d: %s %s on replica %s, kill -9 at %d ms, answer %s, %s after %d ms",
          t, action, name, victim.name, offset, trial.answer(), trial.outcome(), convergence);
    }
    for (String name : present) {
      assertThat(cluster.observe(name).fullyPresent()).as(name).isTrue();
    }
    // The restarted replica answers for what converged.
    Replica any = cluster.replica(0);
    any.awaitReady(Duration.ofSeconds(120));
    for (String name : present) {
      assertThat(cluster.send(cluster.get(any, ReliabilityCluster.path(name))).statusCode())
          .as("GET %s", name)
          .isEqualTo(200);
    }
    List<Long> times = trials.stream().map(Trial::convergenceMillis).sorted().toList();
    long midFlight = trials.stream().filter(tr -> tr.answer().startsWith("none")).count();
    report(
        "crash trials=%d (submit %d, kill %d, update %d), killed before the answer=%d, all converged;"
            + " convergence after kill -9: p50=%d ms max=%d ms; seed=%d; unreferenced packages on"
            + " disk=%d",
        trials.size(),
        trials.stream().filter(tr -> tr.action() == Action.SUBMIT).count(),
        trials.stream().filter(tr -> tr.action() == Action.KILL).count(),
        trials.stream().filter(tr -> tr.action() == Action.UPDATE).count(),
        midFlight,
        times.get(times.size() / 2),
        times.get(times.size() - 1),
        seed,
        cluster.unreferencedPackages());
    assertThat(trials).hasSize(CRASH_TRIALS);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private Action pick(TreeSet<String> present, TreeSet<String> gone) {
    int roll = random.nextInt(gone.isEmpty() ? 2 : 3);
    return roll == 0 ? Action.KILL : roll == 1 ? Action.UPDATE : Action.SUBMIT;
  }

  private String pickFrom(TreeSet<String> names) {
    List<String> list = new ArrayList<>(names);
    return list.get(random.nextInt(list.size()));
  }

  /** The status if the answer came before the kill (or comes without it); null when cut off. */
  private static Integer answerIfAny(CompletableFuture<HttpResponse<String>> answer) {
    try {
      return answer.get(5, TimeUnit.SECONDS).statusCode();
    } catch (Exception cutOff) {
      return null;
    }
  }

  private Observed awaitEitherEnd(String name, long since) {
    return await("%s fully present or fully gone".formatted(name))
        .atMost(CONVERGENCE_LIMIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.observe(name), o -> o.fullyPresent() || o.fullyGone());
  }

  private void awaitConverged(String name, boolean present) {
    await("%s fully %s".formatted(name, present ? "present" : "gone"))
        .atMost(CONVERGENCE_LIMIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.observe(name), o -> present ? o.fullyPresent() : o.fullyGone());
  }

  // ---------------------------------------------------------------------------------------------

  /** One timed request and its answer. */
  private record Timed(String what, int status, long millis, HttpResponse<String> response) {}

  private Timed timed(String what, HttpRequest request) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = cluster.send(request);
    return new Timed(
        what, response.statusCode(), (System.nanoTime() - start) / 1_000_000, response);
  }

  @Test
  @Order(3)
  void zooKeeperStoppedAndPausedGetsBoundedAnswersAndTheSameProcessesRecover() throws Exception {
    Replica a = cluster.replica(0);
    Replica b = cluster.replica(1);
    a.awaitReady(Duration.ofSeconds(120));
    b.awaitReady(Duration.ofSeconds(120));
    for (String name : List.of("Zk0", "Zk1")) {
      assertThat(cluster.send(cluster.submit(a, name)).statusCode()).isEqualTo(201);
      acknowledged.put(name, true);
      awaitConverged(name, true);
    }
    long pidA = a.process.pid();
    long pidB = b.process.pid();

    // --- stopped ---
    cluster.zooKeeperServer.kill9();
    List<Timed> stopped = new ArrayList<>();
    stopped.add(timed("GET one", cluster.get(a, ReliabilityCluster.path("Zk0"))));
    stopped.add(timed("GET list", cluster.get(b, "/api/v1/topologies")));
    stopped.add(timed("health", cluster.get(a, "/actuator/health")));
    stopped.add(timed("kill", cluster.kill(a, "Zk0")));
    stopped.add(timed("submit", cluster.submit(b, "Zk2")));
    stopped.add(timed("update", cluster.update(b, "Zk1", zk1Parallelism % 3 + 1)));
    stopped.add(timed("GET one", cluster.get(b, ReliabilityCluster.path("Zk1"))));
    stopped.add(timed("health", cluster.get(b, "/actuator/health")));
    assertBounded("stopped", stopped);
    await("reads marked stale")
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              HttpResponse<String> one =
                  cluster.send(cluster.get(a, ReliabilityCluster.path("Zk0")));
              assertThat(one.statusCode()).isEqualTo(200);
              assertThat(one.headers().firstValue("Warning")).isPresent();
            });
    cluster.restartZooKeeper();
    List<Timed> recoveredAfterStop = recover(a, b);

    // --- paused (SIGSTOP): the connection stays open and nothing answers ---
    cluster.zooKeeperServer.pause();
    List<Timed> paused = new ArrayList<>();
    List<CompletableFuture<Timed>> concurrent = new ArrayList<>();
    concurrent.add(
        CompletableFuture.supplyAsync(() -> timedQuietly("kill", cluster.kill(a, "Zk1"))));
    concurrent.add(
        CompletableFuture.supplyAsync(() -> timedQuietly("submit", cluster.submit(b, "Zk2"))));
    for (int i = 0; i < 3; i++) {
      paused.add(timed("GET one", cluster.get(b, ReliabilityCluster.path("Zk1"))));
      paused.add(timed("GET list", cluster.get(a, "/api/v1/topologies")));
      paused.add(timed("health", cluster.get(a, "/actuator/health")));
    }
    concurrent.forEach(f -> paused.add(f.join()));
    paused.add(timed("update", cluster.update(a, "Zk1", zk1Parallelism % 3 + 1)));
    assertBounded("paused", paused);
    cluster.zooKeeperServer.resume();
    List<Timed> recoveredAfterPause = recover(a, b);

    assertThat(a.process.pid()).as("replica A was not restarted").isEqualTo(pidA);
    assertThat(b.process.pid()).as("replica B was not restarted").isEqualTo(pidB);
    // Nothing acknowledged is lost: every answered promise of the whole suite holds.
    for (Map.Entry<String, Boolean> promise : acknowledged.entrySet()) {
      if (promise.getValue()) {
        awaitConverged(promise.getKey(), true);
      } else {
        awaitConverged(promise.getKey(), false);
      }
    }
    report("ZooKeeper stopped: %s", describe(stopped));
    report("ZooKeeper paused: %s", describe(paused));
    report(
        "recovery without restart: after stop %s; after pause %s; acknowledged outcomes checked=%d",
        describe(recoveredAfterStop), describe(recoveredAfterPause), acknowledged.size());
  }

  private Timed timedQuietly(String what, HttpRequest request) {
    try {
      return timed(what, request);
    } catch (Exception e) {
      throw new IllegalStateException(what + " got no answer", e);
    }
  }

  /** Reads 200 within a second; mutations 503 (with Retry-After) or 504 within the bound. */
  private static void assertBounded(String phase, List<Timed> answers) {
    for (Timed answer : answers) {
      HttpResponse<String> response = answer.response();
      String label =
          phase
              + " "
              + answer.what()
              + " answered "
              + answer.status()
              + " in "
              + answer.millis()
              + " ms: "
              + response.body();
      switch (answer.what()) {
        case "GET one", "GET list" -> {
          assertThat(answer.status()).as(label).isEqualTo(200);
          assertThat(answer.millis()).as(label).isLessThanOrEqualTo(READ_BOUND.toMillis());
        }
        case "health" ->
            assertThat(answer.millis()).as(label).isLessThanOrEqualTo(READ_BOUND.toMillis());
        default -> {
          assertThat(answer.status()).as(label).isIn(503, 504);
          assertThat(answer.millis()).as(label).isLessThanOrEqualTo(MUTATION_BOUND.toMillis());
          assertThat(response.headers().firstValue("Content-Type"))
              .as(label)
              .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
          if (answer.status() == 503) {
            assertThat(response.headers().firstValue("Retry-After")).as(label).isPresent();
          }
          assertThat(response.body()).as(label).doesNotContain("KeeperException", "org.apache");
        }
      }
    }
  }

  /**
   * Waits until both replicas (the same processes) serve mutations again: through A a submit of Zk2
   * (or its kill when an earlier unanswered submit took effect), through B an update of Zk1; each
   * retried while it answers 5xx. Then both topologies settle, and their outcome is the new
   * expectation.
   */
  private List<Timed> recover(Replica a, Replica b) throws Exception {
    long start = System.nanoTime();
    boolean zk2Exists = cluster.observe("Zk2").record() != null;
    Timed first =
        await("replica A serves mutations again")
            .atMost(Duration.ofSeconds(45))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () ->
                    zk2Exists
                        ? timed("kill Zk2 via A", cluster.kill(a, "Zk2"))
                        : timed("submit Zk2 via A", cluster.submit(a, "Zk2")),
                t -> t.status() < 500);
    long firstAfter = (System.nanoTime() - start) / 1_000_000;
    settle("Zk2", first.status(), !zk2Exists);
    Timed second =
        await("replica B serves mutations again")
            .atMost(Duration.ofSeconds(45))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> timed("update Zk1 via B", cluster.update(b, "Zk1", zk1Parallelism % 3 + 1)),
                t -> t.status() < 500);
    if (second.status() == 200) {
      zk1Parallelism = zk1Parallelism % 3 + 1;
    }
    long secondAfter = (System.nanoTime() - start) / 1_000_000;
    settle("Zk1", second.status(), true);
    return List.of(
        new Timed(
            first.what() + " (served " + firstAfter + " ms after ZooKeeper was back)",
            first.status(),
            first.millis(),
            first.response()),
        new Timed(
            second.what() + " (served " + secondAfter + " ms after ZooKeeper was back)",
            second.status(),
            second.millis(),
            second.response()));
  }

  /**
   * Waits for the topology to settle; a 2xx answer must be kept, otherwise (e.g. an earlier
   * unanswered request took effect) what it settled to is the expectation from now on.
   */
  private void settle(String name, int status, boolean presentIfAnswered) {
    Observed settled = awaitEitherEnd(name, System.nanoTime());
    if (status / 100 == 2) {
      assertThat(settled.fullyPresent())
          .as("%s answered %d, then %s", name, status, settled)
          .isEqualTo(presentIfAnswered);
    }
    acknowledged.put(name, settled.fullyPresent());
  }

  private static String describe(List<Timed> answers) {
    StringBuilder text = new StringBuilder();
    for (Timed t : answers) {
      if (!text.isEmpty()) {
        text.append(", ");
      }
      text.append(t.what())
          .append(' ')
          .append(t.status())
          .append(" in ")
          .append(t.millis())
          .append(" ms");
    }
    return text.toString();
  }

  // ---------------------------------------------------------------------------------------------

  private List<HttpResponse<String>> all(List<HttpRequest> requests) {
    List<CompletableFuture<HttpResponse<String>>> futures =
        requests.stream().map(cluster::sendAsync).toList();
    return futures.stream().map(CompletableFuture::join).toList();
  }

  private static List<Integer> statuses(List<HttpResponse<String>> responses) {
    return responses.stream().map(HttpResponse::statusCode).toList();
  }

  private static List<String> bodies(List<HttpResponse<String>> responses) {
    return responses.stream().map(r -> r.statusCode() + " " + r.body()).toList();
  }

  /** Prints a figure and appends it to target/reliability-report.txt. */
  private static void report(String format, Object... args) {
    String line = "[reliability] " + String.format(format, args);
    System.out.println(line);
    try {
      Files.writeString(
          Path.of("target", "reliability-report.txt"),
          line + System.lineSeparator(),
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      System.out.println("[reliability] could not write target/reliability-report.txt: " + e);
    }
  }
}
