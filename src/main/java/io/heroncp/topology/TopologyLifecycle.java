package io.heroncp.topology;

import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.ExecutionState;
import io.heroncp.heron.HeronPaths;
import io.heroncp.heron.HeronStateNodes;
import io.heroncp.heron.HeronStateCodec;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.heron.SchedulerLocation;
import io.heroncp.heron.TopologyDefinition;
import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.MalformedRequestException;
import io.heroncp.problems.NotFoundException;
import io.heroncp.problems.PayloadTooLargeException;
import io.heroncp.heron.HeronStateNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of topologies: submit, describe, list and kill. Each mutation records its intent in
 * ZooKeeper before it calls the scheduler, and undoes or finishes its ZooKeeper writes when the scheduler
 * fails, so nothing is left half-written.
 */
public class TopologyLifecycle {

  private static final Logger log = LoggerFactory.getLogger(TopologyLifecycle.class);
  private static final long MAX_DEFINITION_BYTES = 64L * 1024 * 1024;

  private final TopologyClusters clusters;
  private final DefinitionReader definitions;
  private final RoundRobinPacking packing;
  private final SchedulerDirectory schedulers;
  private final TopologyRepository store;
  private final TopologyPackages packages;
  private final String serviceZooKeeper;
  private final long maxUploadBytes;
  private final OperationRunner runner;
  private final Clock clock;

  public TopologyLifecycle(TopologyClusters clusters, DefinitionReader definitions, RoundRobinPacking packing,
      SchedulerDirectory schedulers, TopologyRepository store, TopologyPackages packages, String serviceZooKeeper,
      OperationRunner runner, Clock clock) {
    this.clusters = clusters;
    this.definitions = definitions;
    this.packing = packing;
    this.schedulers = schedulers;
    this.store = store;
    this.packages = packages;
    this.serviceZooKeeper = serviceZooKeeper;
    this.maxUploadBytes = packages.maxUploadBytes();
    this.runner = runner;
    this.clock = clock;
  }

  /** A dry run: the packing plan and the exact job that would be sent. Writes nothing anywhere. */
  public record DryRun(TopologyKey key, PackingPlan packing, JobRendering job, String format) {}

  /** One page of a listing. {@code nextPageToken} is null on the last page. */
  public record Page(List<TopologyRecord> records, String nextPageToken) {}

  /** A record with the scheduler's live view; {@code schedulerError} says why the live view is missing. */
  public record Description(TopologyRecord record, JobStatus job, String schedulerError) {}

  private record Prepared(TopologyKey key, HeronCluster cluster, String user, TopologyDefinition definition,
      Map<String, String> config, PackingPlan packing) {}

  public DryRun dryRun(SubmitCommand command) {
    Prepared prepared = prepare(command);
    String format = command.dryRunFormat() == null ? "json" : command.dryRunFormat().toLowerCase(java.util.Locale.ROOT);
    if (!format.equals("json") && !format.equals("table")) {
      throw new InvalidFieldException("dry_run_format must be json or table", "dry_run_format");
    }
    URI packageUri = packages.placeholderUri();
    JobRequest request = jobRequest(prepared, packageUri, safeFileName(command.topology()));
    return new DryRun(prepared.key(), prepared.packing(), schedulers.forCluster(prepared.key().cluster()).render(request), format);
  }

  /**
   * Submits a topology: stores its package, records the submission and Heron's state in one ZooKeeper
   * transaction, creates the Aurora job, then records the scheduler location and the final state. Runs as a
   * SUBMIT operation under the topology's lock; a failure undoes every write before it is reported.
   */
  public OperationResult submit(SubmitCommand command, String requester, String idempotencyKey, String scope) {
    Prepared prepared = prepare(command);
    TopologyKey key = prepared.key();
    String binaryName = safeFileName(command.topology());
    OperationRequest request = new OperationRequest(key, requester, idempotencyKey, scope, null, false);
    Map<String, String> parameters = new LinkedHashMap<>(command.overrides());
    parameters.put("topology_id", prepared.definition().id());
    return runner.runSubmit(request, parameters, operation -> {
      TopologyRecord.PackageRef stored = buildPackage(prepared, command, binaryName);
      URI packageUri = stored.uri();
      HeronStateNodes heron = heronNodes(prepared);
      Instant now = clock.instant();
      TopologyRecord record = new TopologyRecord(key, prepared.definition().id(), TopologyState.SUBMITTING,
          prepared.definition().initiallyPaused(), prepared.user(), now, now, components(prepared.definition()),
          packingSummary(prepared.packing()), key.cluster() + "/" + key.role() + "/" + key.environment() + "/" + key.name(),
          stored, binaryName,
          command.overrides(), operation.id(), 0);
      TopologyRecord intent;
      try {
        intent = store.createSubmission(record, heron);
      } catch (RuntimeException e) {
        deletePackageIfUnreferenced(record.topologyPackage());
        throw e;
      }
      runner.intentRecorded(operation);
      try {
        schedulers.forCluster(key.cluster()).createJob(jobRequest(prepared, packageUri, binaryName));
      } catch (RuntimeException launchFailure) {
        rollback(intent, launchFailure);
        throw launchFailure;
      }
      return completeLaunch(intent, operation.id(), prepared.config().get("heron.scheduler.job.link.template"));
    });
  }

  /**
   * Records that the Aurora job of a SUBMITTING topology exists: its state (RUNNING, or PAUSED when submitted
   * deactivated) and Heron's scheduler location. Used by submit and by the reconciler.
   */
  TopologyRecord completeLaunch(TopologyRecord intent, String operationId, String jobLinkTemplate) {
    TopologyKey key = intent.key();
    TopologyState running = intent.initiallyPaused() ? TopologyState.PAUSED : TopologyState.RUNNING;
    return store.completeLaunch(intent.withState(running, clock.instant(), operationId), heronNodes(key),
        HeronStateCodec.encodeSchedulerLocation(SchedulerLocation.forAurora(key.name(), jobLinkTemplate, key.cluster(),
            key.role(), key.environment())));
  }

  /** Removes a topology's ZooKeeper state (record and Heron's nodes) and its package when nothing else uses it. */
  void removeState(TopologyRecord record) {
    store.delete(record, heronNodes(record.key()));
    deletePackageIfUnreferenced(record.topologyPackage());
  }

  /** The rest of a kill once the record is KILLING: the Aurora job, then the state. Idempotent. */
  TopologyRecord finishKill(TopologyRecord killing, String operationId) {
    schedulers.forCluster(killing.key().cluster()).killJob(killing.key());
    removeState(killing);
    return killing.withState(TopologyState.KILLED, clock.instant(), operationId);
  }

  private HeronStateNodes heronNodes(TopologyKey key) {
    return HeronStateNodes.of(clusters.heronCluster(key.cluster()).heronRoot(), key.name());
  }

  /** Whether the topology store is reachable now; when not, reads come from the cache and may be stale. */
  public boolean storeConnected() {
    return store.connected();
  }

  /** Lists records from the cache, ordered by cluster and name, filtered and paged. */
  public Page list(String cluster, String role, String environment, TopologyState state, int pageSize, String pageToken) {
    if (pageSize < 1 || pageSize > 1000) {
      throw new InvalidFieldException("page_size must be between 1 and 1000", "page_size");
    }
    String after = null;
    if (pageToken != null && !pageToken.isBlank()) {
      try {
        after = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new InvalidFieldException("page_token is not a token this service issued; start without it", "page_token");
      }
    }
    List<TopologyRecord> matching = store.list().stream()
        .filter(r -> cluster == null || r.key().cluster().equals(cluster))
        .filter(r -> role == null || r.key().role().equals(role))
        .filter(r -> environment == null || r.key().environment().equals(environment))
        .filter(r -> state == null || r.state() == state)
        .toList();
    int start = 0;
    if (after != null) {
      String marker = after;
      while (start < matching.size() && sortKey(matching.get(start)).compareTo(marker) <= 0) {
        start++;
      }
    }
    int end = Math.min(matching.size(), start + pageSize);
    List<TopologyRecord> page = matching.subList(start, end);
    String next = end < matching.size()
        ? Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey(page.get(page.size() - 1)).getBytes(StandardCharsets.UTF_8))
        : null;
    return new Page(List.copyOf(page), next);
  }

  /** The record from the cache with the scheduler's live task counts (one scheduler call). */
  public Description describe(TopologyKey key) {
    TopologyRecord record = require(key);
    try {
      return new Description(record, schedulers.forCluster(key.cluster()).status(key, record.topologyId(), record.packing().auroraInstances()), null);
    } catch (ControlPlaneException e) {
      return new Description(record, null, e.getMessage());
    }
  }

  /**
   * Kills a topology: marks it KILLING, kills the Aurora job, then removes Heron's state nodes and the
   * record in one transaction. If the scheduler fails, nothing is removed and the kill can be retried.
   */
  public OperationResult kill(OperationRequest request) {
    return runner.run(request, Operation.Verb.KILL, Map.of(),
        (operation, killing) -> finishKill(killing, operation.id()));
  }

  private TopologyRecord require(TopologyKey key) {
    return store.find(key).orElseThrow(() -> {
      String hint = store.find(key.cluster(), key.name())
          .map(other -> "; a topology of that name runs as " + other.key())
          .orElse("");
      return new NotFoundException("Topology " + key + " does not exist" + hint);
    });
  }

  private Prepared prepare(SubmitCommand command) {
    HeronCluster cluster = clusters.heronCluster(command.cluster());
    TopologyScheduler scheduler = schedulers.forCluster(command.cluster());
    String environment = command.environment() == null ? cluster.defaultEnvironment() : command.environment();
    String user = command.user() == null ? command.role() : command.user();
    scheduler.checkIdentifier("name", command.name());
    scheduler.checkIdentifier("role", command.role());
    scheduler.checkIdentifier("environment", environment);
    try {
      scheduler.checkIdentifier("user", user);
    } catch (InvalidFieldException e) {
      throw command.user() == null ? e : new InvalidFieldException(e.getMessage() + Requester.PRINCIPAL_CLAIM_HINT,
          "user", e);
    }
    if (command.name().contains(".")) {
      throw new InvalidFieldException("name must not contain '.' (a Heron topology name rule)", "name");
    }
    scheduler.checkEnvironment(environment);
    TopologyDefinition definition = definitions.read(readDefinition(command.definition()));
    if (!definition.name().equals(command.name())) {
      throw new InvalidFieldException("name '" + command.name() + "' does not match the definition's topology name '"
          + definition.name() + "'", "name");
    }
    Map<String, String> config = new LinkedHashMap<>(cluster.heronConfig());
    config.putAll(definition.config());
    config.putAll(command.overrides());
    PackingPlan plan = packing.pack(definition, config).withHomogeneousScheduledResources();
    TopologyKey key = new TopologyKey(command.cluster(), command.role(), environment, command.name());
    return new Prepared(key, cluster, user, definition, config, plan);
  }

  private static byte[] readDefinition(Upload definition) {
    try (InputStream in = definition.content().open()) {
      byte[] bytes = in.readNBytes((int) MAX_DEFINITION_BYTES + 1);
      if (bytes.length > MAX_DEFINITION_BYTES) {
        throw new PayloadTooLargeException("definition is larger than " + MAX_DEFINITION_BYTES + " bytes", "definition");
      }
      return bytes;
    } catch (IOException e) {
      throw new MalformedRequestException("definition could not be read: " + e.getMessage(), "definition", e);
    }
  }

  private static String safeFileName(Upload topology) {
    String name = topology.fileName() == null ? "" : topology.fileName();
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    if (!name.matches("^[A-Za-z0-9._-]+$") || name.equals(".") || name.equals("..")
        || !name.matches(".*\\.(jar|tar|tar\\.gz|pex|so|dylib)$")) {
      throw new InvalidFieldException("topology file name '" + topology.fileName()
          + "' must be a plain file name ending in .jar, .tar, .tar.gz, .pex, .so or .dylib", "topology");
    }
    return name;
  }

  private TopologyRecord.PackageRef buildPackage(Prepared prepared, SubmitCommand command, String binaryName) {
    Path temp = null;
    try {
      temp = Files.createTempFile("topology-", "-" + binaryName);
      try (InputStream in = command.topology().content().open()) {
        long copied = copyLimited(in, temp);
        if (copied > maxUploadBytes) {
          throw new PayloadTooLargeException("topology file is larger than the limit of " + maxUploadBytes
              + " bytes (heroncp.packages.max-upload-size)", "topology");
        }
      }
      String connection = stateManagerConnection(prepared.cluster());
      return packages.build(new TopologyPackageRequest(prepared.definition().name(),
          prepared.definition().bytes(), temp, binaryName, command.overrides(), prepared.cluster().heronConfigDirectory(),
          connection, prepared.cluster().heronRoot()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not store the topology package", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  private long copyLimited(InputStream in, Path target) throws IOException {
    try (var out = Files.newOutputStream(target)) {
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > maxUploadBytes) {
          return total;
        }
        out.write(buffer, 0, n);
      }
      return total;
    }
  }

  private HeronStateNodes heronNodes(Prepared prepared) {
    TopologyKey key = prepared.key();
    return new HeronStateNodes(new HeronPaths(prepared.cluster().heronRoot()), key.name(),
        prepared.definition().trimmedBytes(),
        HeronStateCodec.encodePackingPlan(prepared.packing()),
        HeronStateCodec.encodeExecutionState(ExecutionState.forSubmission(prepared.definition(), key.cluster(),
            key.role(), key.environment(), prepared.user(), clock.instant(), release(prepared.config()))));
  }

  private JobRequest jobRequest(Prepared prepared, URI packageUri, String binaryName) {
    return new JobRequest(prepared.key(), prepared.user(), prepared.definition(), prepared.packing(), packageUri,
        binaryName, prepared.config());
  }

  private String stateManagerConnection(HeronCluster cluster) {
    String connection = cluster.stateManagerConnection();
    return connection == null || connection.isBlank() ? serviceZooKeeper : connection;
  }

  private void rollback(TopologyRecord intent, RuntimeException cause) {
    try {
      removeState(intent);
      log.warn("Launch of {} failed; its ZooKeeper state was rolled back: {}", intent.key(), cause.getMessage());
    } catch (RuntimeException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
      log.error("Launch of {} failed and its rollback failed too; the record stays SUBMITTING for the reconciler",
          intent.key(), rollbackFailure);
    }
  }

  private void deletePackageIfUnreferenced(TopologyRecord.PackageRef ref) {
    if (ref != null && !store.isPackageReferenced(ref.sha256())) {
      packages.delete(ref.sha256());
    }
  }

  private static List<TopologyRecord.ComponentSummary> components(TopologyDefinition definition) {
    return definition.components().stream()
        .map(c -> new TopologyRecord.ComponentSummary(c.name(), c.kind().name(), c.parallelism()))
        .toList();
  }

  /** Heron fills the release state from its build keys; so do we, from the effective config. */
  private static ExecutionState.Release release(Map<String, String> config) {
    return new ExecutionState.Release(config.getOrDefault("heron.build.user", "heron-controlplane"), "",
        config.getOrDefault("heron.build.version", "unknown"));
  }

  static TopologyRecord.PackingSummary packingSummary(PackingPlan packing) {
    var size = packing.maxScheduledResources();
    int instances = packing.containers().stream().mapToInt(c -> c.instances().size()).sum();
    return new TopologyRecord.PackingSummary(packing.id(), packing.containerCount(), instances,
        packing.containerCount() + 1, size.cpu(), size.ramBytes(), size.diskBytes());
  }

  private static String sortKey(TopologyRecord record) {
    return record.key().cluster() + "/" + record.key().name();
  }
}
