package io.heroncp.cluster;

import io.heroncp.packages.PackageStore;
import io.heroncp.topology.SchedulerDirectory;
import io.heroncp.topology.SchedulerProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, from the service, what a submit to a cluster will need, so an operator finds a wrong
 * setting before a user's topology does:
 *
 * <ol>
 *   <li>{@code core-package}: the cluster's {@code core-package-uri} can be fetched (http/https:
 *       HEAD, then a ranged GET; file: exists and is readable here);
 *   <li>{@code package-endpoint}: the service's own package URL ({@code
 *       heroncp.packages.public-base-url}) reaches a replica of this service: a GET of a package
 *       that does not exist must answer 404 with this service's {@code application/problem+json};
 *   <li>{@code scheduler}: the Aurora scheduler is found and its leader answers a read-only call;
 *   <li>{@code heron-root}: the cluster's Heron root in ZooKeeper is writable: an ephemeral node is
 *       created under it and deleted;
 *   <li>{@code package-store}: the package store (directory or bucket) is reachable and writable: a
 *       probe file is written, read back and deleted.
 * </ol>
 *
 * <p>The checks run in parallel, each bounded by a timeout. Thread-safe; the only side effect is
 * the short-lived ephemeral node (and the Heron root as a container node, when it did not exist).
 */
public class Preflight implements AutoCloseable {

  static final String CORE_PACKAGE = "core-package";
  static final String PACKAGE_ENDPOINT = "package-endpoint";
  static final String SCHEDULER = "scheduler";
  static final String HERON_ROOT = "heron-root";
  static final String PACKAGE_STORE = "package-store";

  private static final Logger log = LoggerFactory.getLogger(Preflight.class);

  private final ClusterRegistry clusters;
  private final SchedulerDirectory schedulers;
  private final CuratorFramework zooKeeper;
  private final Supplier<URI> packageProbeUri;
  private final Supplier<PackageStore.Probe> packageStoreProbe;
  private final Duration timeout;
  private final UriFetchCheck fetch;
  private final HttpClient http;
  private final ExecutorService checks =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "preflight-check");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param clusters the configured clusters
   * @param schedulers the clusters' schedulers
   * @param zooKeeper the service's ZooKeeper client
   * @param packageProbeUri a package URI under the service's public base URL whose package does not
   *     exist ({@code TopologyPackageBuilder.placeholderUri()}, signed like the URIs handed to
   *     Aurora)
   * @param packageStoreProbe writes, reads back and deletes a probe file in the package store
   *     ({@link PackageStore#probe()})
   * @param timeout the longest one check may take
   */
  public Preflight(
      ClusterRegistry clusters,
      SchedulerDirectory schedulers,
      CuratorFramework zooKeeper,
      Supplier<URI> packageProbeUri,
      Supplier<PackageStore.Probe> packageStoreProbe,
      Duration timeout) {
    this.clusters = Objects.requireNonNull(clusters, "clusters");
    this.schedulers = Objects.requireNonNull(schedulers, "schedulers");
    this.zooKeeper = Objects.requireNonNull(zooKeeper, "zooKeeper");
    this.packageProbeUri = Objects.requireNonNull(packageProbeUri, "packageProbeUri");
    this.packageStoreProbe = Objects.requireNonNull(packageStoreProbe, "packageStoreProbe");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.fetch = new UriFetchCheck(timeout);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Stops the check threads with the bean (Spring calls it on shutdown). */
  @Override
  public void close() {
    checks.shutdownNow();
  }

  /**
   * Runs every check against the cluster.
   *
   * @throws io.heroncp.problems.InvalidFieldException (422, field {@code cluster}) for an unknown
   *     cluster
   */
  public PreflightReport run(String cluster) {
    ClusterProperties properties = clusters.require(cluster);
    Map<String, CompletableFuture<PreflightReport.Check>> running = new LinkedHashMap<>();
    running.put(CORE_PACKAGE, timed(CORE_PACKAGE, () -> fetch.check(properties.corePackageUri())));
    running.put(PACKAGE_ENDPOINT, timed(PACKAGE_ENDPOINT, this::packageEndpoint));
    running.put(SCHEDULER, timed(SCHEDULER, () -> scheduler(cluster)));
    running.put(HERON_ROOT, timed(HERON_ROOT, () -> heronRoot(properties.heronRoot())));
    running.put(PACKAGE_STORE, timed(PACKAGE_STORE, this::packageStore));
    List<PreflightReport.Check> results = new ArrayList<>();
    running.forEach((name, check) -> results.add(await(name, check)));
    PreflightReport report = PreflightReport.of(cluster, results);
    log.info(
        "Preflight of cluster {}: {}",
        cluster,
        report.ok()
            ? "all checks passed"
            : "failed "
                + results.stream().filter(c -> !c.ok()).map(PreflightReport.Check::name).toList());
    return report;
  }

  private CompletableFuture<PreflightReport.Check> timed(
      String name, Supplier<UriFetchCheck.Outcome> check) {
    return CompletableFuture.supplyAsync(
        () -> {
          long start = System.nanoTime();
          UriFetchCheck.Outcome outcome;
          try {
            outcome = check.get();
          } catch (RuntimeException e) {
            outcome = new UriFetchCheck.Outcome(false, "the check failed: " + e);
          }
          return new PreflightReport.Check(
              name,
              outcome.ok(),
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
              outcome.detail());
        },
        checks);
  }

  private PreflightReport.Check await(String name, CompletableFuture<PreflightReport.Check> check) {
    try {
      return check.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      check.cancel(true);
      return new PreflightReport.Check(
          name, false, timeout.toMillis(), "no result within " + timeout);
    } catch (ExecutionException e) {
      return new PreflightReport.Check(name, false, 0, "the check failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PreflightReport.Check(name, false, 0, "interrupted");
    }
  }

  private UriFetchCheck.Outcome packageEndpoint() {
    URI signedProbe = packageProbeUri.get();
    // Fetched as Aurora's agents fetch (with the sig when URIs are signed); reported without the
    // sig.
    String probe =
        signedProbe.getRawQuery() == null
            ? signedProbe.toString()
            : signedProbe.toString().substring(0, signedProbe.toString().indexOf('?'))
                + " (signed)";
    try {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(signedProbe).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      response.body().close();
      String type = response.headers().firstValue("Content-Type").orElse("");
      if (response.statusCode() == 404 && type.startsWith("application/problem+json")) {
        return new UriFetchCheck.Outcome(
            true,
            "GET "
                + probe
                + " reached the service (404 problem+json for a"
                + " package that does not exist); Aurora's agents fetch packages under the same base URL");
      }
      if (response.statusCode() == 403 && type.startsWith("application/problem+json")) {
        return new UriFetchCheck.Outcome(
            false,
            "GET "
                + probe
                + " answered 403: the replica behind"
                + " heroncp.packages.public-base-url refuses this service's package URL signature; every replica needs"
                + " the same heroncp.security.package-url-secret");
      }
      return new UriFetchCheck.Outcome(
          false,
          "GET "
              + probe
              + " answered "
              + response.statusCode()
              + " "
              + type
              + ", not this service's 404 problem+json; check heroncp.packages.public-base-url and what routes it");
    } catch (IOException e) {
      return new UriFetchCheck.Outcome(
          false,
          "cannot reach "
              + probe
              + " ("
              + e
              + "); check"
              + " heroncp.packages.public-base-url: Aurora's agents fetch packages there");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new UriFetchCheck.Outcome(false, "interrupted");
    }
  }

  private UriFetchCheck.Outcome packageStore() {
    PackageStore.Probe probe = packageStoreProbe.get();
    return new UriFetchCheck.Outcome(probe.ok(), probe.detail());
  }

  private UriFetchCheck.Outcome scheduler(String cluster) {
    SchedulerProbe probe = schedulers.forCluster(cluster).probe();
    if (probe.reachable()) {
      return new UriFetchCheck.Outcome(
          true,
          "the leader at " + probe.endpoint() + " answered (found by " + probe.discovery() + ")");
    }
    return new UriFetchCheck.Outcome(
        false,
        "found by "
            + probe.discovery()
            + (probe.endpoint() == null ? "" : " at " + probe.endpoint())
            + ": "
            + probe.detail());
  }

  private UriFetchCheck.Outcome heronRoot(String heronRoot) {
    String path = heronRoot + "/.heroncp-preflight-" + UUID.randomUUID();
    try {
      // A container parent: ZooKeeper removes a Heron root created only for this check once it is
      // empty again.
      zooKeeper
          .create()
          .creatingParentContainersIfNeeded()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(path);
      zooKeeper.delete().guaranteed().forPath(path);
      return new UriFetchCheck.Outcome(true, "created and deleted the ephemeral node " + path);
    } catch (Exception e) {
      return new UriFetchCheck.Outcome(
          false,
          "cannot create an ephemeral node under "
              + heronRoot
              + " ("
              + e
              + "); check the ZooKeeper connection and that heroncp.zookeeper.digest may write there");
    }
  }
}
