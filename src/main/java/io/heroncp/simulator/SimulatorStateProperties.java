package io.heroncp.simulator;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the simulator keeps its state ({@code heroncp.simulator.state.*}), so a restart of the
 * service resumes every simulated job, task and update.
 *
 * @param enabled persist the simulator's state in the service's ZooKeeper; false = it forgets
 *     everything when it stops (every topology then turns FAILED)
 * @param path the simulator's own root in ZooKeeper, apart from the service's and Heron's state
 */
@Validated
@ConfigurationProperties("heroncp.simulator.state")
public record SimulatorStateProperties(
    @DefaultValue("true") boolean enabled,
    @NotBlank @DefaultValue("/aurora/simulator-state") String path) {}
