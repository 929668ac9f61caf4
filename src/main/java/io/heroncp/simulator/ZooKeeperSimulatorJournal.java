package io.heroncp.simulator;

import io.heroncp.aurora.thrift.InstanceTaskConfig;
import io.heroncp.aurora.thrift.JobInstanceUpdateEvent;
import io.heroncp.aurora.thrift.JobUpdateEvent;
import io.heroncp.aurora.thrift.JobUpdateKey;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.thrift.TBase;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's journal in ZooKeeper under its own root: {@code <root>/tasks/<seq>-<taskId>} (the
 * task with its events, Thrift binary) and {@code <root>/updates/<seq>-<updateId>} (the update's
 * instructions, events and progress). The sequence number keeps creation order, which is Aurora's
 * query order. Each change is one ZooKeeper write (create-or-set, or delete), made synchronously in
 * the order of the changes; a write that fails is logged and the simulator goes on (its memory
 * stays the truth until the next change of that task rewrites it).
 */
final class ZooKeeperSimulatorJournal implements SimulatorJournal {

  private static final Logger log = LoggerFactory.getLogger(ZooKeeperSimulatorJournal.class);
  private static final int UPDATE_FORMAT = 1;

  private final CuratorFramework curator;
  private final String tasksPath;
  private final String updatesPath;
  // Node names by id; guarded by the simulator's lock like every call.
  private final Map<String, String> taskNodes = new HashMap<>();
  private final Map<String, String> updateNodes = new HashMap<>();
  private long nextSequence;

  ZooKeeperSimulatorJournal(CuratorFramework curator, String root) {
    this.curator = curator;
    this.tasksPath = root + "/tasks";
    this.updatesPath = root + "/updates";
  }

  @Override
  public void taskChanged(ScheduledTask task) {
    String id = task.getAssignedTask().getTaskId();
    String node = taskNodes.computeIfAbsent(id, this::nodeName);
    write(tasksPath + "/" + node, () -> serialize(task));
  }

  @Override
  public void taskRemoved(String taskId) {
    String node = taskNodes.remove(taskId);
    if (node != null) {
      try {
        curator.delete().quietly().forPath(tasksPath + "/" + node);
      } catch (Exception e) {
        log.warn("Could not remove simulated task {} from ZooKeeper: {}", taskId, e.toString());
      }
    }
  }

  @Override
  public void updateChanged(SimulatedJobUpdate update) {
    String node = updateNodes.computeIfAbsent(update.key.getId(), this::nodeName);
    write(updatesPath + "/" + node, () -> serialize(update));
  }

  private String nodeName(String id) {
    return String.format("%012d-%s", nextSequence++, id);
  }

  private void write(String path, Supplier<byte[]> data) {
    try {
      curator.create().orSetData().creatingParentContainersIfNeeded().forPath(path, data.get());
    } catch (Exception e) {
      log.warn("Could not write the simulator's state {} to ZooKeeper: {}", path, e.toString());
    }
  }

  @Override
  public Snapshot load() {
    List<ScheduledTask> tasks = new ArrayList<>();
    List<SimulatedJobUpdate> updates = new ArrayList<>();
    try {
      for (String node : children(tasksPath)) {
        byte[] data = curator.getData().forPath(tasksPath + "/" + node);
        ScheduledTask task = deserialize(new ScheduledTask(), data);
        taskNodes.put(task.getAssignedTask().getTaskId(), node);
        tasks.add(task);
        advanceSequence(node);
      }
      for (String node : children(updatesPath)) {
        SimulatedJobUpdate update =
            deserializeUpdate(curator.getData().forPath(updatesPath + "/" + node));
        updateNodes.put(update.key.getId(), node);
        updates.add(update);
        advanceSequence(node);
      }
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not read the simulator's state from ZooKeeper ("
              + tasksPath
              + "); fix ZooKeeper or remove that node to start empty",
          e);
    }
    return new Snapshot(tasks, updates);
  }

  private List<String> children(String path) throws Exception {
    try {
      return new ArrayList<>(new TreeSet<>(curator.getChildren().forPath(path)));
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  private void advanceSequence(String node) {
    int dash = node.indexOf('-');
    if (dash > 0) {
      nextSequence = Math.max(nextSequence, Long.parseLong(node.substring(0, dash)) + 1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Encoding

  private static byte[] serialize(TBase<?, ?> struct) {
    try {
      return new TSerializer(new TBinaryProtocol.Factory()).serialize(struct);
    } catch (TException e) {
      throw new IllegalStateException("cannot encode " + struct.getClass().getSimpleName(), e);
    }
  }

  private static <T extends TBase<?, ?>> T deserialize(T empty, byte[] bytes) {
    try {
      new TDeserializer(new TBinaryProtocol.Factory()).deserialize(empty, bytes);
      return empty;
    } catch (TException e) {
      throw new IllegalStateException("cannot decode " + empty.getClass().getSimpleName(), e);
    }
  }

  static byte[] serialize(SimulatedJobUpdate update) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(UPDATE_FORMAT);
      struct(out, update.key);
      struct(out, update.request);
      struct(out, update.desired);
      struct(out, update.settings);
      out.writeInt(update.initialState.size());
      for (InstanceTaskConfig config : update.initialState) {
        struct(out, config);
      }
      ints(out, update.scope);
      ints(out, update.queue);
      ints(out, update.inFlight);
      out.writeLong(update.createdMs);
      out.writeLong(update.lastModifiedMs);
      out.writeLong(update.lastPulseMs);
      out.writeInt(update.events.size());
      for (JobUpdateEvent event : update.events) {
        struct(out, event);
      }
      out.writeInt(update.instanceEvents.size());
      for (JobInstanceUpdateEvent event : update.instanceEvents) {
        struct(out, event);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode update " + update.key.getId(), e);
    }
    return bytes.toByteArray();
  }

  static SimulatedJobUpdate deserializeUpdate(byte[] data) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readInt();
      if (format != UPDATE_FORMAT) {
        throw new IOException("unknown simulated update format " + format);
      }
      JobUpdateKey key = struct(in, new JobUpdateKey());
      JobUpdateRequest request = struct(in, new JobUpdateRequest());
      TaskConfig desired = struct(in, new TaskConfig());
      JobUpdateSettings settings = struct(in, new JobUpdateSettings());
      Set<InstanceTaskConfig> initialState = new LinkedHashSet<>();
      for (int i = in.readInt(); i > 0; i--) {
        initialState.add(struct(in, new InstanceTaskConfig()));
      }
      List<Integer> scope = ints(in);
      List<Integer> queue = ints(in);
      List<Integer> inFlight = ints(in);
      long createdMs = in.readLong();
      SimulatedJobUpdate update =
          new SimulatedJobUpdate(
              key, request, desired, settings, new TreeSet<>(scope), initialState, createdMs);
      update.queue.clear();
      update.queue.addAll(queue);
      update.inFlight.addAll(inFlight);
      update.lastModifiedMs = in.readLong();
      update.lastPulseMs = in.readLong();
      for (int i = in.readInt(); i > 0; i--) {
        update.events.add(struct(in, new JobUpdateEvent()));
      }
      for (int i = in.readInt(); i > 0; i--) {
        update.instanceEvents.add(struct(in, new JobInstanceUpdateEvent()));
      }
      return update;
    }
  }

  private static void struct(DataOutputStream out, TBase<?, ?> struct) throws IOException {
    byte[] bytes = serialize(struct);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static <T extends TBase<?, ?>> T struct(DataInputStream in, T empty) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return deserialize(empty, bytes);
  }

  private static void ints(DataOutputStream out, Collection<Integer> values) throws IOException {
    out.writeInt(values.size());
    for (int value : values) {
      out.writeInt(value);
    }
  }

  private static List<Integer> ints(DataInputStream in) throws IOException {
    List<Integer> values = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      values.add(in.readInt());
    }
    return values;
  }
}
