package io.heroncp.heron;

/**
 * One Heron instance in a packing plan: component name, global task id, index within the component
 * and the resources it is given.
 */
public record InstancePlan(String component, int taskId, int componentIndex, Resources resources) {}
