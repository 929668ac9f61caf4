package io.heroncp.topology;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What goes into one topology package (see {@link TopologyPackageBuilder}).
 *
 * @param topologyName the topology name; the definition is packed as {@code <topologyName>.defn}
 * @param definition the serialized {@code heron.proto.api.Topology} (the {@code .defn} bytes); not
 *     copied, do not modify it while building
 * @param binary the topology binary on disk (typically {@link StoredPackage#path()} of the upload)
 * @param binaryFileName the name the binary is packed under (the uploaded file name; Heron derives
 *     the package type from its extension)
 * @param overrides the submit's Heron config overrides; written to {@code
 *     heron-conf/override.yaml}. Stored as an unmodifiable copy sorted by key; {@code null} means
 *     none. Only the keys appear in {@link #toString()}
 * @param heronConfigDirectory the cluster's Heron config directory, or {@code null} for {@link
 *     BuiltInHeronConfig}
 * @param stateManagerConnection the ZooKeeper connect string Heron's processes use ({@code
 *     heron.statemgr.connection.string})
 * @param stateManagerRoot the Heron state root in ZooKeeper ({@code heron.statemgr.root.path})
 */
public record TopologyPackageRequest(
    String topologyName,
    byte[] definition,
    Path binary,
    String binaryFileName,
    Map<String, String> overrides,
    Path heronConfigDirectory,
    String stateManagerConnection,
    String stateManagerRoot) {

  public TopologyPackageRequest {
    Objects.requireNonNull(topologyName, "topologyName");
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(binaryFileName, "binaryFileName");
    Objects.requireNonNull(stateManagerConnection, "stateManagerConnection");
    Objects.requireNonNull(stateManagerRoot, "stateManagerRoot");
    overrides =
        Collections.unmodifiableSortedMap(new TreeMap<>(overrides == null ? Map.of() : overrides));
  }

  @Override
  public String toString() {
    return "TopologyPackageRequest[topologyName="
        + topologyName
        + ", definition="
        + definition.length
        + " bytes, binary="
        + binary
        + ", binaryFileName="
        + binaryFileName
        + ", overrides="
        + overrides.keySet()
        + ", heronConfigDirectory="
        + heronConfigDirectory
        + ", stateManagerConnection="
        + stateManagerConnection
        + ", stateManagerRoot="
        + stateManagerRoot
        + "]";
  }
}
