package io.heroncp.heron;

/** CPU cores, RAM and disk in bytes: Heron's {@code Resource} (the packing plan's unit of size). */
public record Resources(double cpu, long ramBytes, long diskBytes) {

  public static final Resources ZERO = new Resources(0, 0, 0);

  public Resources plus(Resources other) {
    return new Resources(cpu + other.cpu, ramBytes + other.ramBytes, diskBytes + other.diskBytes);
  }

  /** Component-wise maximum. */
  public Resources max(Resources other) {
    return new Resources(
        Math.max(cpu, other.cpu),
        Math.max(ramBytes, other.ramBytes),
        Math.max(diskBytes, other.diskBytes));
  }
}
