package io.heroncp.heron;

import com.google.protobuf.InvalidProtocolBufferException;
import io.heroncp.heron.proto.ExecutionEnvironment;
import io.heroncp.heron.proto.PackingPlans;
import io.heroncp.heron.proto.PhysicalPlans;
import io.heroncp.heron.proto.Scheduler;
import io.heroncp.heron.proto.TopologyAPI;
import io.heroncp.heron.proto.TopologyManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes the payloads of Heron's ZooKeeper nodes with Heron's own protobuf messages,
 * so Heron's processes and tracker read what this service writes and vice versa. Pure functions;
 * thread-safe.
 *
 * <p>Decoders throw {@link IllegalArgumentException} when the bytes are not the expected message (a
 * corrupt or foreign node).
 */
public final class HeronStateCodec {

  private HeronStateCodec() {}

  /**
   * A packing plan as Heron's {@code PackingPlanProtoSerializer} writes it: plan id, containers,
   * instances with {@code resource}, {@code requiredResource}, and {@code scheduledResource} (Heron
   * sets it once the scheduler has sized the containers, as Aurora's {@code onSchedule} rewrite
   * does; this service always has it). Containers go in id order, instances in task-id order.
   */
  public static byte[] encodePackingPlan(PackingPlan plan) {
    return toProto(plan).toByteArray();
  }

  /** The protobuf form of {@link #encodePackingPlan}. */
  public static PackingPlans.PackingPlan toProto(PackingPlan plan) {
    PackingPlans.PackingPlan.Builder builder =
        PackingPlans.PackingPlan.newBuilder().setId(plan.id());
    for (ContainerPlan container : plan.containers()) {
      PackingPlans.ContainerPlan.Builder c =
          PackingPlans.ContainerPlan.newBuilder()
              .setId(container.id())
              .setRequiredResource(resource(container.required()))
              .setScheduledResource(resource(container.scheduled()));
      for (InstancePlan instance : container.instances()) {
        c.addInstancePlans(
            PackingPlans.InstancePlan.newBuilder()
                .setComponentName(instance.component())
                .setTaskId(instance.taskId())
                .setComponentIndex(instance.componentIndex())
                .setResource(resource(instance.resources())));
      }
      builder.addContainerPlans(c);
    }
    return builder.build();
  }

  /**
   * Reads a {@code packingplans/<name>} payload; a container without {@code scheduledResource} gets
   * its required.
   */
  public static PackingPlan decodePackingPlan(byte[] bytes) {
    PackingPlans.PackingPlan proto;
    try {
      proto = PackingPlans.PackingPlan.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw notA("PackingPlan", e);
    }
    List<ContainerPlan> containers = new ArrayList<>();
    for (PackingPlans.ContainerPlan c : proto.getContainerPlansList()) {
      List<InstancePlan> instances = new ArrayList<>();
      for (PackingPlans.InstancePlan i : c.getInstancePlansList()) {
        instances.add(
            new InstancePlan(
                i.getComponentName(),
                i.getTaskId(),
                i.getComponentIndex(),
                resources(i.getResource())));
      }
      Resources required = resources(c.getRequiredResource());
      Resources scheduled =
          c.hasScheduledResource() ? resources(c.getScheduledResource()) : required;
      containers.add(new ContainerPlan(c.getId(), instances, required, scheduled));
    }
    return new PackingPlan(proto.getId(), containers);
  }

  /** An {@code executionstate/<name>} payload; the release state is written only when present. */
  public static byte[] encodeExecutionState(ExecutionState state) {
    ExecutionEnvironment.ExecutionState.Builder builder =
        ExecutionEnvironment.ExecutionState.newBuilder()
            .setTopologyName(state.topologyName())
            .setTopologyId(state.topologyId())
            .setSubmissionTime(state.submissionTimeSeconds())
            .setSubmissionUser(state.submissionUser())
            .setCluster(state.cluster())
            .setEnviron(state.environ())
            .setRole(state.role());
    if (state.release() != null) {
      builder.setReleaseState(
          ExecutionEnvironment.HeronReleaseState.newBuilder()
              .setReleaseUsername(state.release().username())
              .setReleaseTag(state.release().tag())
              .setReleaseVersion(state.release().version()));
    }
    return builder.build().toByteArray();
  }

  public static ExecutionState decodeExecutionState(byte[] bytes) {
    ExecutionEnvironment.ExecutionState proto;
    try {
      proto = ExecutionEnvironment.ExecutionState.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw notA("ExecutionState", e);
    }
    ExecutionState.Release release =
        proto.hasReleaseState()
            ? new ExecutionState.Release(
                proto.getReleaseState().getReleaseUsername(),
                proto.getReleaseState().getReleaseTag(),
                proto.getReleaseState().getReleaseVersion())
            : null;
    return new ExecutionState(
        proto.getTopologyName(),
        proto.getTopologyId(),
        proto.getSubmissionTime(),
        proto.getSubmissionUser(),
        proto.getCluster(),
        proto.getEnviron(),
        proto.getRole(),
        release);
  }

  /** A {@code schedulers/<name>} payload. */
  public static byte[] encodeSchedulerLocation(SchedulerLocation location) {
    return Scheduler.SchedulerLocation.newBuilder()
        .setTopologyName(location.topologyName())
        .setHttpEndpoint(location.httpEndpoint())
        .addAllJobPageLink(location.jobPageLinks())
        .build()
        .toByteArray();
  }

  public static SchedulerLocation decodeSchedulerLocation(byte[] bytes) {
    try {
      Scheduler.SchedulerLocation proto = Scheduler.SchedulerLocation.parseFrom(bytes);
      return new SchedulerLocation(
          proto.getTopologyName(), proto.getHttpEndpoint(), proto.getJobPageLinkList());
    } catch (InvalidProtocolBufferException e) {
      throw notA("SchedulerLocation", e);
    }
  }

  /** A {@code tmanagers/<name>} payload (written by the TManager, or by a local stand-in). */
  public static byte[] encodeTManagerLocation(TManagerLocation location) {
    TopologyManager.TManagerLocation.Builder builder =
        TopologyManager.TManagerLocation.newBuilder()
            .setTopologyName(location.topologyName())
            .setTopologyId(location.topologyId())
            .setHost(location.host())
            .setControllerPort(location.controllerPort())
            .setServerPort(location.serverPort());
    if (location.statsPort() != 0) {
      builder.setStatsPort(location.statsPort());
    }
    return builder.build().toByteArray();
  }

  public static TManagerLocation decodeTManagerLocation(byte[] bytes) {
    try {
      TopologyManager.TManagerLocation proto = TopologyManager.TManagerLocation.parseFrom(bytes);
      return new TManagerLocation(
          proto.getTopologyName(),
          proto.getTopologyId(),
          proto.getHost(),
          proto.getControllerPort(),
          proto.getServerPort(),
          proto.getStatsPort());
    } catch (InvalidProtocolBufferException e) {
      throw notA("TManagerLocation", e);
    }
  }

  /**
   * A minimal {@code pplans/<name>} payload: the (trimmed) topology with its state set to {@code
   * state}, without stream managers or instances. Enough for readers of the runtime state (Heron's
   * activate and deactivate, the tracker's status); a real TManager writes the full plan.
   *
   * @param topologyBytes a serialized {@code Topology}, e.g. {@link
   *     TopologyDefinition#trimmedBytes()}
   */
  public static byte[] encodePhysicalPlan(byte[] topologyBytes, HeronTopologyState state) {
    TopologyAPI.Topology topology;
    try {
      topology = TopologyAPI.Topology.parseFrom(topologyBytes);
    } catch (InvalidProtocolBufferException e) {
      throw notA("Topology", e);
    }
    return PhysicalPlans.PhysicalPlan.newBuilder()
        .setTopology(topology.toBuilder().setState(TopologyAPI.TopologyState.valueOf(state.name())))
        .build()
        .toByteArray();
  }

  /** The runtime state in a {@code pplans/<name>} payload. */
  public static HeronTopologyState decodePhysicalPlanState(byte[] bytes) {
    try {
      return HeronTopologyState.valueOf(
          PhysicalPlans.PhysicalPlan.parseFrom(bytes).getTopology().getState().name());
    } catch (InvalidProtocolBufferException e) {
      throw notA("PhysicalPlan", e);
    }
  }

  /** The topology name in a {@code topologies/<name>} payload (a trimmed {@code Topology}). */
  public static String decodeTopologyName(byte[] bytes) {
    try {
      return TopologyAPI.Topology.parseFrom(bytes).getName();
    } catch (InvalidProtocolBufferException e) {
      throw notA("Topology", e);
    }
  }

  private static PackingPlans.Resource.Builder resource(Resources resources) {
    return PackingPlans.Resource.newBuilder()
        .setCpu(resources.cpu())
        .setRam(resources.ramBytes())
        .setDisk(resources.diskBytes());
  }

  private static Resources resources(PackingPlans.Resource resource) {
    return new Resources(resource.getCpu(), resource.getRam(), resource.getDisk());
  }

  private static IllegalArgumentException notA(String message, InvalidProtocolBufferException e) {
    return new IllegalArgumentException("Not a Heron " + message + ": " + e.getMessage(), e);
  }
}
