package io.heroncp.simulator;

import io.heroncp.aurora.thrift.AssignedTask;
import io.heroncp.aurora.thrift.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The one Mesos agent every simulated task runs on: it places tasks (host, agent id, named ports
 * from Mesos' default range) and runs their Thermos fetch processes for real on agent threads
 * ({@link SandboxFetcher}). Thread-safe.
 */
final class SimulatedAgent implements AutoCloseable {

  /** The host every simulated task is placed on. */
  static final String HOST = "127.0.0.1";

  /** The Mesos agent id every simulated task is placed on. */
  static final String ID = "simulated-agent-127.0.0.1";

  /** The first port handed out for named ports (Mesos' default port range starts here). */
  static final int FIRST_ASSIGNED_PORT = 31000;

  /** Package downloads in parallel (the agent's sandboxes). */
  private static final int THREADS = 4;

  private final SandboxFetcher fetcher;
  private final ExecutorService sandboxes =
      Executors.newFixedThreadPool(
          THREADS,
          runnable -> {
            Thread thread = new Thread(runnable, "aurora-simulator-agent");
            thread.setDaemon(true);
            return thread;
          });
  private int nextPort = FIRST_ASSIGNED_PORT; // guarded by this

  /**
   * @param fetchTimeout the longest the download of one package may take
   */
  SimulatedAgent(Duration fetchTimeout) {
    this.fetcher = new SandboxFetcher(fetchTimeout);
  }

  /**
   * Places a task on this agent: sets its host and agent id and assigns a port to each named port.
   */
  synchronized void place(AssignedTask task) {
    task.setSlaveHost(HOST).setSlaveId(ID);
    for (Resource resource : task.getTask().getResources()) {
      if (resource.isSetNamedPort()) {
        task.putToAssignedPorts(resource.getNamedPort(), nextPort++);
      }
    }
  }

  /** Takes back a task placed before a restart: later ports do not collide with its ports. */
  synchronized void resumed(AssignedTask task) {
    if (task.getAssignedPorts() != null) {
      for (int port : task.getAssignedPorts().values()) {
        nextPort = Math.max(nextPort, port + 1);
      }
    }
  }

  /**
   * Runs the fetches on an agent thread, then hands {@code done} why the first one failed (empty
   * when all succeeded), on that thread.
   *
   * @return false when the agent is closed and nothing was started
   */
  boolean fetch(List<SandboxFetcher.Fetch> fetches, Consumer<Optional<String>> done) {
    try {
      sandboxes.execute(() -> done.accept(fetcher.run(fetches)));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /**
   * Stops the agent threads (downloads in progress are interrupted) and the fetcher. Idempotent.
   */
  @Override
  public void close() {
    sandboxes.shutdownNow();
    fetcher.close();
  }
}
