package io.heroncp.heron;

/**
 * Config keys Heron reads when it packs a topology: the {@code topology.*} keys of heron-api's
 * {@code Config} and the cluster-level instance defaults of heron-spi's {@code Key}.
 */
public final class HeronConfigKeys {

  /** Number of containers (stream managers), default 1. */
  public static final String STMGRS = "topology.stmgrs";

  /** Per-component parallelism, in each component's own config. */
  public static final String COMPONENT_PARALLELISM = "topology.component.parallelism";

  /** {@code component:bytes,...} */
  public static final String COMPONENT_RAM_MAP = "topology.component.rammap";

  /** {@code component:cores,...} */
  public static final String COMPONENT_CPU_MAP = "topology.component.cpumap";

  /** {@code component:bytes,...}; round-robin packing ignores it, as Heron's does. */
  public static final String COMPONENT_DISK_MAP = "topology.component.diskmap";

  /** Requested container CPU (cores). */
  public static final String CONTAINER_CPU_REQUESTED = "topology.container.cpu";

  /** Requested container RAM (bytes). */
  public static final String CONTAINER_RAM_REQUESTED = "topology.container.ram";

  /** Requested container disk (bytes). */
  public static final String CONTAINER_DISK_REQUESTED = "topology.container.disk";

  /** Fixed RAM padding per container (bytes); replaces the stmgr + metricsmgr (+ ckptmgr) sum. */
  public static final String CONTAINER_RAM_PADDING = "topology.container.ram.padding";

  /** Used by Heron's resource-compliant packings only; round-robin packing ignores it. */
  public static final String CONTAINER_PADDING_PERCENTAGE = "topology.container.padding.percentage";

  /** Stream manager RAM (bytes), part of the default RAM padding. */
  public static final String STMGR_RAM = "topology.stmgr.ram";

  /** Metrics manager RAM (bytes), part of the default RAM padding. */
  public static final String METRICSMGR_RAM = "topology.metricsmgr.ram";

  /**
   * Checkpoint manager RAM (bytes), part of the default RAM padding for EFFECTIVELY_ONCE
   * topologies.
   */
  public static final String CKPTMGR_RAM = "topology.stateful.checkpointmanager.ram";

  /** {@code ATMOST_ONCE}, {@code ATLEAST_ONCE} or {@code EFFECTIVELY_ONCE}. */
  public static final String RELIABILITY_MODE = "topology.reliability.mode";

  /** Cluster default RAM per instance (bytes), Heron default 1 GiB. */
  public static final String INSTANCE_RAM = "heron.resources.instance.ram";

  /** Cluster default CPU per instance (cores), Heron default 1.0. */
  public static final String INSTANCE_CPU = "heron.resources.instance.cpu";

  /** Cluster default disk per instance (bytes), Heron default 1 GiB. */
  public static final String INSTANCE_DISK = "heron.resources.instance.disk";

  /**
   * heron-apiserver's key for a submit's {@code verbose_gc}: the executor gets {@code
   * --verbose-gc}.
   */
  public static final String VERBOSE_GC = "heron.config.verbose_gc";

  /** heron-apiserver's key for a submit's {@code verbose}. */
  public static final String VERBOSE = "heron.config.verbose";

  private HeronConfigKeys() {}
}
