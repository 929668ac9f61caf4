package io.heroncp.zookeeper;

import io.heroncp.heron.HeronStateNodes;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.NotFoundException;
import io.heroncp.topology.Operation;
import io.heroncp.topology.SubmitJournal;
import io.heroncp.topology.TopologyKey;
import io.heroncp.topology.TopologyRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A submit's two writes, each ONE ZooKeeper transaction over the record store's and the operation
 * log's nodes (layouts on {@link TopologyStore} and {@link OperationStore}): the intent (operation,
 * unfinished marker, history entry, idempotency entry, record, Heron's three submit nodes) and the
 * launch (record, Heron's scheduler location, operation, marker removed). Parents are created when
 * a transaction first finds them missing, not checked per call; a new name's history directory is
 * created inside the intent's transaction.
 */
public class ZooKeeperSubmitJournal implements SubmitJournal {

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperSubmitJournal.class);

  private final CuratorFramework client;
  private final TopologyStore records;
  private final OperationStore operations;
  private final Duration operationTimeout;

  /**
   * History directories this replica knows exist (persistent, never removed): a name not in it gets
   * its directory created in the intent's transaction (a name submitted before, by another replica
   * or before a restart, costs one more round trip).
   */
  private final Set<String> knownHistoryDirs = ConcurrentHashMap.newKeySet();

  public ZooKeeperSubmitJournal(
      CuratorFramework client,
      TopologyStore records,
      OperationStore operations,
      ZooKeeperProperties properties) {
    this.client = client;
    this.records = records;
    this.operations = operations;
    this.operationTimeout = properties.operationTimeout();
  }

  @Override
  public Intent recordIntent(
      Operation operation,
      String idempotencyScope,
      TopologyRecord submitting,
      HeronStateNodes heron) {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      String entry = operations.checkStart(operation, idempotencyScope);
      TopologyKey key = submitting.key();
      String action = "recording the submission of " + key;
      ZooKeeperFailures.requireConnected(client, action);
      String historyDir = operations.historyDir(operation);
      boolean createHistoryDir = !knownHistoryDirs.contains(historyDir);
      try {
        for (int attempt = 1; ; attempt++) {
          List<CuratorOp> ops =
              new ArrayList<>(operations.startOps(operation, entry, createHistoryDir));
          ops.addAll(records.submissionOps(submitting, heron));
          try {
            client.transaction().forOperations(ops);
            knownHistoryDirs.add(historyDir);
            log.debug("Submission of {} recorded with operation {}", key, operation.id());
            // Creates in a multi return no Stat; created nodes are at version 0. The record enters
            // the cache through its watch (its identity, the czxid, comes with the launch).
            return new Intent(operation.withVersion(0), submitting.withVersion(0));
          } catch (KeeperException.NoNodeException missingParent) {
            if (attempt >= 3) {
              throw missingParent;
            }
            operations.ensureStartParents(operation, entry);
            records.ensureSubmissionParents(submitting, heron);
            createHistoryDir = false;
          } catch (KeeperException.NodeExistsException e) {
            if (attempt >= 3) {
              throw e;
            }
            String failed = Transactions.failedPath(e, ops);
            if (historyDir.equals(failed)) {
              knownHistoryDirs.add(historyDir);
              createHistoryDir = false;
            } else if (failed == null
                ? entry == null
                : isSubmissionNode(submitting, heron, failed)) {
              throw records.nameTaken(key, heron, e);
            } else {
              operations.startConflict(operation, idempotencyScope, failed, e);
            }
          }
        }
      } catch (ConflictException e) {
        throw e;
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, action, e);
      }
    }
  }

  @Override
  public Launch recordLaunch(
      TopologyRecord launched, HeronStateNodes heron, byte[] schedulerLocation, Operation ended) {
    try (CallBudget budget = CallBudget.open(operationTimeout)) {
      operations.checkEnd(ended);
      TopologyKey key = launched.key();
      String action = "completing the launch of " + key;
      ZooKeeperFailures.requireConnected(client, action);
      boolean withLocation = true;
      boolean withMarker = true;
      try {
        for (int attempt = 1; ; attempt++) {
          List<CuratorOp> ops = new ArrayList<>();
          ops.add(records.setRecordOp(launched));
          if (withLocation) {
            ops.add(HeronStateOps.createSchedulerLocation(client, heron, schedulerLocation));
          }
          int operationAt = ops.size();
          ops.addAll(operations.endOps(ended, withMarker));
          try {
            List<CuratorTransactionResult> results = client.transaction().forOperations(ops);
            TopologyRecord stored = records.remember(launched, results.get(0).getResultStat());
            Operation done =
                ended.withVersion(results.get(operationAt).getResultStat().getVersion());
            log.debug("Launch of {} recorded, operation {} {}", key, done.id(), done.outcome());
            return new Launch(done, stored);
          } catch (KeeperException.NodeExistsException located) {
            // Heron's scheduler location is there already (a reconciler finishing the launch):
            // keep it.
            if (!withLocation || attempt >= 3) {
              throw located;
            }
            withLocation = false;
          } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            String failed = Transactions.failedPath(e, ops);
            if (failed == null || records.isRecordPath(key, failed)) {
              throw TopologyStore.changedConcurrently(key, e);
            }
            if (e instanceof KeeperException.NoNodeException
                && withMarker
                && attempt < 3
                && operations.markerMissing(ended, failed)) {
              withMarker = false; // a replica ended the operation's marker before: without it
              continue;
            }
            if (e instanceof KeeperException.NoNodeException) {
              throw new NotFoundException("Operation " + ended.id() + " does not exist", null, e);
            }
            throw OperationStore.changedConcurrently(ended, e);
          }
        }
      } catch (ConflictException | NotFoundException e) {
        throw e;
      } catch (Exception e) {
        throw ZooKeeperFailures.translate(client, action, e);
      }
    }
  }

  private boolean isSubmissionNode(TopologyRecord record, HeronStateNodes heron, String path) {
    String name = heron.name();
    return records.isRecordPath(record.key(), path)
        || path.equals(heron.paths().topology(name))
        || path.equals(heron.paths().packingPlan(name))
        || path.equals(heron.paths().executionState(name));
  }
}
