package io.heroncp.aurora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.cluster.ClusterProperties.Scheduler.Protocol;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.simulator.AuroraSimulator;
import io.heroncp.simulator.SimulatorHttpServer;
import io.heroncp.simulator.SimulatorProperties;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The service's Aurora client against the built-in simulator (a leader with BASIC auth and a
 * standby), over real HTTP with real Thrift bytes: the transport rules each side implements meet.
 */
class ClientAgainstSimulatorTest {

  private AuroraSimulator simulator;
  private SimulatorHttpServer server;

  @BeforeEach
  void start() throws IOException {
    int standby;
    try (ServerSocket socket = new ServerSocket(0)) {
      standby = socket.getLocalPort();
    }
    SimulatorProperties properties =
        new SimulatorProperties(
            true,
            "sim",
            "127.0.0.1",
            0,
            "/aurora/scheduler",
            "^(prod|devel|test|staging\\d*)$",
            Duration.ofMillis(20),
            Duration.ofMillis(20),
            Duration.ofMillis(20),
            Duration.ofMillis(20),
            standby,
            "heron",
            "s3cret");
    simulator = new AuroraSimulator(properties);
    server = new SimulatorHttpServer(simulator, properties);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    simulator.close();
  }

  private AuroraThriftClient client(URI base, Protocol protocol, String user, String password) {
    AuroraClientSettings settings =
        new AuroraClientSettings(
            "sim",
            protocol,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            user,
            password,
            3,
            2,
            Duration.ofMillis(50));
    return new AuroraThriftClient(new StaticSchedulerLocator(base), settings);
  }

  private static URI base(URI api) {
    return URI.create(api.toString().replaceFirst("/api$", ""));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void clientFollowsTheStandbysRedirectToTheLeaderAndAuthenticates(Protocol protocol) {
    AuroraThriftClient client =
        client(base(server.standbyApiEndpoint()), protocol, "heron", "s3cret");

    Response created = client.createJob(AuroraTestJobs.job("alice", "devel", "redirected", 2));

    assertThat(created.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(created.getServerInfo().getClusterName()).isEqualTo("sim");
    Response killed =
        client.killTasks(new JobKey("alice", "devel", "redirected"), Set.of(0, 1), "test");
    assertThat(killed.getResponseCode()).isEqualTo(ResponseCode.OK);
  }

  @Test
  void mutatingCallWithoutCredentialsFailsNamingTheSettings() {
    AuroraThriftClient client = client(base(server.apiEndpoint()), Protocol.BINARY, null, null);

    assertThatThrownBy(() -> client.createJob(AuroraTestJobs.job("alice", "devel", "anonymous", 1)))
        .isInstanceOf(DependencyFailedException.class)
        .hasMessageContaining("username");
    // Read-only calls need no credentials, as in Aurora; the refused create left no job.
    assertThat(client.getRoleSummary()).isEmpty();
  }

  @Test
  void wrongPasswordIsRejectedAndNeverEchoed() {
    AuroraThriftClient client =
        client(base(server.apiEndpoint()), Protocol.JSON, "heron", "wrong-password");

    assertThatThrownBy(client::getRoleSummary)
        .isInstanceOf(DependencyFailedException.class)
        .hasMessageNotContaining("wrong-password");
  }
}
