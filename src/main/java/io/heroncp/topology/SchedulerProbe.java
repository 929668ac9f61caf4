package io.heroncp.topology;

/**
 * The result of asking a cluster's scheduler whether it answers.
 *
 * @param discovery how the scheduler is found, e.g. {@code static http://aurora:8081} or {@code
 *     zookeeper zk1:2181/aurora/scheduler}
 * @param endpoint the endpoint found now, or null
 * @param reachable whether it answered
 * @param detail why not, when it did not
 */
public record SchedulerProbe(String discovery, String endpoint, boolean reachable, String detail) {}
