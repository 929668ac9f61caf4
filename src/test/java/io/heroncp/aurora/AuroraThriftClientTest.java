package io.heroncp.aurora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.ScheduleStatus;
import io.heroncp.aurora.thrift.ScheduledTask;
import io.heroncp.aurora.thrift.TaskQuery;
import io.heroncp.cluster.ClusterProperties.Scheduler.Protocol;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuroraThriftClientTest {

  private static final JobKey JOB = new JobKey("alice", "devel", "WordCount");

  private TestAuroraServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestAuroraServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private AuroraThriftClient client(URI url, Protocol protocol) {
    AuroraClientSettings settings =
        new AuroraClientSettings(
            "devcluster",
            protocol,
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            null,
            null,
            3,
            3,
            Duration.ofMillis(10));
    return new AuroraThriftClient(new StaticSchedulerLocator(url), settings);
  }

  private AuroraThriftClient client(Protocol protocol) {
    return client(server.baseUrl(), protocol);
  }

  @Test
  void binaryProtocolSendsAndAcceptsThriftBinary() {
    server.handler.addTask(JOB, 0, ScheduleStatus.RUNNING, 1000, "WordCount-1");

    List<ScheduledTask> tasks =
        client(Protocol.BINARY).getTasksWithoutConfigs(new TaskQuery().setJobKeys(Set.of(JOB)));

    assertThat(tasks)
        .singleElement()
        .satisfies(t -> assertThat(t.getStatus()).isEqualTo(ScheduleStatus.RUNNING));
    assertThat(server.exchanges)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.method()).isEqualTo("POST");
              assertThat(e.path()).isEqualTo("/api");
              assertThat(e.contentType()).isEqualTo("application/vnd.apache.thrift.binary");
              assertThat(e.accept()).isEqualTo("application/vnd.apache.thrift.binary");
            });
    assertThat(server.handler.lastQuery.getJobKeys()).containsExactly(JOB);
  }

  @Test
  void jsonProtocolSendsAndAcceptsThriftJson() {
    assertThat(client(Protocol.JSON).getRoleSummary())
        .extracting(s -> s.getRole())
        .containsExactly("alice");

    assertThat(server.exchanges)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.contentType()).isEqualTo("application/vnd.apache.thrift.json");
              assertThat(e.accept()).isEqualTo("application/vnd.apache.thrift.json");
            });
  }

  @Test
  void redirectFromStandbyIsFollowedWithPost() throws Exception {
    try (TestAuroraServer standby = new TestAuroraServer()) {
      standby.redirectTo = server.baseUrl();

      client(standby.baseUrl(), Protocol.BINARY).killTasks(JOB, Set.of(1, 2), "bye");

      assertThat(standby.exchanges)
          .singleElement()
          .satisfies(e -> assertThat(e.method()).isEqualTo("POST"));
      assertThat(server.exchanges)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.method()).isEqualTo("POST");
                assertThat(e.path()).isEqualTo("/api");
              });
      assertThat(server.handler.killedInstances).containsExactlyInAnyOrder(1, 2);
    }
  }

  @Test
  void redirectLoopIsBounded() {
    server.redirectTo = server.baseUrl();

    assertThatThrownBy(() -> client(Protocol.BINARY).getRoleSummary())
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("redirected");
    assertThat(server.exchanges).hasSize(4);
  }

  @Test
  void noLeaderIsUnavailable() {
    server.forcedStatus = 503;

    assertThatThrownBy(() -> client(Protocol.BINARY).getRoleSummary())
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("no leader");
  }

  @Test
  void refusedCredentialsNameTheProperties() {
    server.requiredUser = "heron";
    server.requiredPassword = "s3cret";
    AuroraThriftClient wrong =
        new AuroraThriftClient(
            new StaticSchedulerLocator(server.baseUrl()),
            AuroraClientSettings.of(
                    "devcluster", AuroraFixtures.scheduler(server.baseUrl(), Protocol.BINARY))
                .withCredentials("heron", "wrong"));

    assertThatThrownBy(() -> wrong.createJob(new io.heroncp.aurora.thrift.JobConfiguration()))
        .isInstanceOf(DependencyFailedException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("heroncp.clusters.devcluster.scheduler.username/password")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void credentialsAreSentUpFront() {
    server.requiredUser = "heron";
    server.requiredPassword = "s3cret";
    AuroraThriftClient right =
        new AuroraThriftClient(
            new StaticSchedulerLocator(server.baseUrl()),
            AuroraClientSettings.of(
                    "devcluster", AuroraFixtures.scheduler(server.baseUrl(), Protocol.BINARY))
                .withCredentials("heron", "s3cret"));

    right.getRoleSummary();

    assertThat(server.exchanges)
        .singleElement()
        .satisfies(e -> assertThat(e.authorization()).startsWith("Basic "));
    assertThat(right.toString()).doesNotContain("s3cret");
  }

  @Test
  void transientErrorIsRetriedThenSucceeds() {
    server.handler.script(
        "getRoleSummary",
        TestAuroraServer.error(ResponseCode.ERROR_TRANSIENT, "storage busy"),
        TestAuroraServer.error(ResponseCode.ERROR_TRANSIENT, "storage busy"));

    assertThat(client(Protocol.BINARY).getRoleSummary()).hasSize(1);
    assertThat(server.handler.calls)
        .containsExactly("getRoleSummary", "getRoleSummary", "getRoleSummary");
  }

  @Test
  void transientErrorThatPersistsIsUnavailable() {
    server.handler.script(
        "getRoleSummary",
        TestAuroraServer.error(ResponseCode.ERROR_TRANSIENT, "storage busy"),
        TestAuroraServer.error(ResponseCode.ERROR_TRANSIENT, "storage busy"),
        TestAuroraServer.error(ResponseCode.ERROR_TRANSIENT, "storage busy"));

    assertThatThrownBy(() -> client(Protocol.BINARY).getRoleSummary())
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("ERROR_TRANSIENT 3 times");
    assertThat(server.handler.calls).hasSize(3);
  }

  @Test
  void applicationErrorsCarryCodeAndDetails() {
    server.handler.script(
        "createJob",
        TestAuroraServer.error(
            ResponseCode.INVALID_REQUEST, "Job alice/devel/WordCount already exists"));

    assertThatThrownBy(
            () -> client(Protocol.JSON).createJob(new io.heroncp.aurora.thrift.JobConfiguration()))
        .isInstanceOfSatisfying(
            AuroraResponseException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ResponseCode.INVALID_REQUEST);
              assertThat(e.details()).isEqualTo("Job alice/devel/WordCount already exists");
              assertThat(e.method()).isEqualTo("createJob");
            });
    assertThat(server.handler.calls).containsExactly("createJob");
  }

  @Test
  void slowSchedulerTimesOut() {
    server.hang = new CountDownLatch(1);
    AuroraClientSettings settings =
        new AuroraClientSettings(
            "devcluster",
            Protocol.BINARY,
            Duration.ofSeconds(2),
            Duration.ofMillis(300),
            null,
            null,
            3,
            1,
            Duration.ofMillis(10));
    AuroraThriftClient client =
        new AuroraThriftClient(new StaticSchedulerLocator(server.baseUrl()), settings);

    assertThatThrownBy(client::getRoleSummary)
        .isInstanceOf(DependencyTimeoutException.class)
        .hasMessageContaining("did not answer getRoleSummary");
  }

  @Test
  void refusedConnectionIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    assertThatThrownBy(
            () -> client(URI.create("http://127.0.0.1:" + port), Protocol.BINARY).getRoleSummary())
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("cannot connect");
  }

  @Test
  void killTasksRefusesNullOrEmptyInstances() {
    AuroraThriftClient client = client(Protocol.BINARY);

    assertThatThrownBy(() -> client.killTasks(JOB, Set.of(), "bye"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.killTasks(JOB, null, "bye"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.exchanges).isEmpty();
  }
}
