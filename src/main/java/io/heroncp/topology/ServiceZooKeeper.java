package io.heroncp.topology;

/** Port: the service's own ZooKeeper connect string, the default for Heron's processes. */
@FunctionalInterface
public interface ServiceZooKeeper {

  String connectString();
}
