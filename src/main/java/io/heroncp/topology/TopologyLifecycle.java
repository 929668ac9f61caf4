package io.heroncp.topology;

import io.heroncp.heron.DefinitionReader;
import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.RoundRobinPacking;
import io.heroncp.problems.NotFoundException;
import io.heroncp.topology.SubmitPreparation.Prepared;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle of topologies: submit (and its dry run), describe, list and kill. Checking a submit
 * is {@link SubmitPreparation}'s, its steps and their undo {@link SubmitSaga}'s, paging {@link
 * TopologyPaging}'s; this class runs them as operations.
 */
public class TopologyLifecycle {

  private final SchedulerDirectory schedulers;
  private final TopologyRepository store;
  private final TopologyPackages packages;
  private final OperationRunner runner;
  private final SubmitPreparation preparation;
  private final SubmitSaga saga;
  private final TopologyStatusWatcher statuses;

  public TopologyLifecycle(
      TopologyClusters clusters,
      DefinitionReader definitions,
      RoundRobinPacking packing,
      SchedulerDirectory schedulers,
      TopologyRepository store,
      TopologyPackages packages,
      SubmitJournal journal,
      String serviceZooKeeper,
      OperationRunner runner,
      TopologyStatusWatcher statuses,
      Clock clock) {
    this(
        clusters,
        definitions,
        packing,
        schedulers,
        store,
        packages,
        journal,
        serviceZooKeeper,
        runner,
        statuses,
        clock,
        new RequestBounds(LimitsProperties.defaults()));
  }

  public TopologyLifecycle(
      TopologyClusters clusters,
      DefinitionReader definitions,
      RoundRobinPacking packing,
      SchedulerDirectory schedulers,
      TopologyRepository store,
      TopologyPackages packages,
      SubmitJournal journal,
      String serviceZooKeeper,
      OperationRunner runner,
      TopologyStatusWatcher statuses,
      Clock clock,
      RequestBounds bounds) {
    this.statuses = statuses;
    this.schedulers = schedulers;
    this.store = store;
    this.packages = packages;
    this.runner = runner;
    this.preparation = new SubmitPreparation(clusters, definitions, packing, schedulers, bounds);
    this.saga =
        new SubmitSaga(clusters, schedulers, store, packages, journal, serviceZooKeeper, clock);
  }

  /**
   * A dry run: the packing plan and the exact job that would be sent. Writes nothing anywhere.
   *
   * @param format {@code json} or {@code table}
   * @param warnings what would make the real submit fail although the dry run passed (e.g. the name
   *     is taken); empty when none
   */
  public record DryRun(
      TopologyKey key,
      PackingPlan packing,
      JobRendering job,
      String format,
      List<String> warnings) {

    public DryRun {
      warnings = List.copyOf(warnings);
    }
  }

  /** One page of a listing. {@code nextPageToken} is null on the last page. */
  public record Page(List<TopologyRecord> records, String nextPageToken) {}

  /**
   * A record with the scheduler's view as the status watcher last observed it.
   *
   * @param observed the watcher's observation of this topology (replaced, not changed, on every
   *     poll), or null before the first one
   */
  public record Description(TopologyRecord record, ObservedStatus observed) {

    /** The observed task counts, or null before the first observation. */
    public JobStatus job() {
      return observed == null ? null : observed.job();
    }

    /** Why the latest observation failed (then {@link #job} is the one before, if any), or null. */
    public String schedulerError() {
      return observed == null ? null : observed.error();
    }

    /** When {@link #job} was observed, or null before the first observation. */
    public Instant observedAt() {
      return observed == null ? null : observed.observedAt();
    }
  }

  public DryRun dryRun(SubmitCommand command) {
    Prepared prepared = preparation.prepare(command);
    String format = DryRunFormat.of(command.dryRunFormat(), DryRunFormat.SUBMIT_DEFAULT);
    JobRendering job =
        schedulers
            .forCluster(prepared.key().cluster())
            .render(prepared.jobRequest(packages.placeholderUri()));
    List<String> warnings = new ArrayList<>();
    TopologyKey key = prepared.key();
    // The same rule as the submit's 409 (a name is unique per cluster), read from the cache.
    store
        .find(key.cluster(), key.name())
        .ifPresent(
            existing ->
                warnings.add(
                    "Topology '"
                        + key.name()
                        + "' already exists in cluster "
                        + key.cluster()
                        + " (as "
                        + existing.key()
                        + ", "
                        + existing.state()
                        + "): the real submit would be refused with 409 conflict; kill it first or"
                        + " choose another name"));
    return new DryRun(key, prepared.packing(), job, format, warnings);
  }

  /**
   * Submits a topology as a SUBMIT operation under the topology's lock (see {@link SubmitSaga}); a
   * failure undoes every write before it is reported.
   */
  public OperationResult submit(
      SubmitCommand command, String requester, String idempotencyKey, String scope) {
    Prepared prepared = preparation.prepare(command);
    OperationRequest request =
        new OperationRequest(prepared.key(), requester, idempotencyKey, scope, null, false);
    Map<String, String> parameters = new LinkedHashMap<>(command.overrides());
    parameters.put("topology_id", prepared.definition().id());
    return runner.runSubmit(
        request,
        parameters,
        (operation, idempotencyScope, intentRecorded) ->
            saga.launch(operation, idempotencyScope, prepared, command, intentRecorded));
  }

  /**
   * Used by the reconciler for a SUBMITTING record whose Aurora job exists; see {@link
   * SubmitSaga#completeLaunch}.
   */
  TopologyRecord completeLaunch(TopologyRecord intent, String operationId, String jobLinkTemplate) {
    return saga.completeLaunch(intent, operationId, jobLinkTemplate);
  }

  /**
   * Used by the reconciler to undo a submit that never launched; see {@link
   * SubmitSaga#removeState}.
   */
  void removeState(TopologyRecord record) {
    saga.removeState(record);
  }

  /** Used by the reconciler to finish an interrupted kill; see {@link SubmitSaga#finishKill}. */
  TopologyRecord finishKill(TopologyRecord killing, String operationId) {
    return saga.finishKill(killing, operationId);
  }

  /**
   * Whether the topology store is reachable now; when not, reads come from the cache and may be
   * stale.
   */
  public boolean storeConnected() {
    return store.connected();
  }

  /**
   * Lists records from the cache's ordered index, by cluster and name, filtered and paged; a page
   * walks only as far as it needs.
   */
  public Page list(
      String cluster,
      String role,
      String environment,
      TopologyState state,
      int pageSize,
      String pageToken) {
    return TopologyPaging.page(
        store,
        r ->
            (cluster == null || r.key().cluster().equals(cluster))
                && (role == null || r.key().role().equals(role))
                && (environment == null || r.key().environment().equals(environment))
                && (state == null || r.state() == state),
        pageSize,
        pageToken);
  }

  /**
   * The record from the cache with the status watcher's observation from memory: no scheduler call.
   * With {@code refresh}, one live call for this topology first, unless one was made less than a
   * poll interval ago.
   */
  public Description describe(TopologyKey key, boolean refresh) {
    TopologyRecord record = require(key);
    ObservedStatus observed =
        refresh
            ? statuses.refresh(record)
            : statuses.observed(key, record.topologyId()).orElse(null);
    return new Description(record, observed);
  }

  /**
   * Kills a topology: marks it KILLING, kills the Aurora job, then removes Heron's state nodes and
   * the record in one transaction. If the scheduler fails, nothing is removed and the kill can be
   * retried.
   */
  public OperationResult kill(OperationRequest request) {
    return runner.run(
        request,
        Operation.Verb.KILL,
        Map.of(),
        () ->
            store
                .find(request.key())
                .or(() -> store.read(request.key()))
                .orElseThrow(
                    () -> new NotFoundException("Topology " + request.key() + " does not exist")),
        (operation, killing) -> saga.finishKill(killing, operation.id()));
  }

  private TopologyRecord require(TopologyKey key) {
    return store
        .find(key)
        .orElseThrow(
            () -> {
              String hint =
                  store
                      .find(key.cluster(), key.name())
                      .map(other -> "; a topology of that name runs as " + other.key())
                      .orElse("");
              return new NotFoundException("Topology " + key + " does not exist" + hint);
            });
  }
}
