package io.heroncp.topology;

import io.heroncp.heron.PackingPlan;
import io.heroncp.heron.TopologyDefinition;
import java.net.URI;
import java.util.Map;

/**
 * Everything a scheduler needs to run one topology.
 *
 * @param key the topology key (= Aurora job key within the cluster)
 * @param submitUser who submitted it (Aurora {@code owner.user})
 * @param topology the parsed definition
 * @param packing the packing plan to run
 * @param topologyPackageUri where executors fetch the topology package (topology.tar.gz)
 * @param topologyBinaryFile the file name of the topology binary inside the package (jar, tar or
 *     pex)
 * @param config the effective Heron config: cluster config, then the topology's config, then submit
 *     overrides
 */
public record JobRequest(
    TopologyKey key,
    String submitUser,
    TopologyDefinition topology,
    PackingPlan packing,
    URI topologyPackageUri,
    String topologyBinaryFile,
    Map<String, String> config) {

  public JobRequest {
    config = Map.copyOf(config);
  }
}
