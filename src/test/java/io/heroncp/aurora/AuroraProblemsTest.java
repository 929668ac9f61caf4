package io.heroncp.aurora;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.ResponseCode;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.problems.ClusterMisconfiguredException;
import io.heroncp.problems.ConflictException;
import io.heroncp.problems.ControlPlaneException;
import io.heroncp.problems.DependencyFailedException;
import io.heroncp.problems.DependencyTimeoutException;
import io.heroncp.problems.DependencyUnavailableException;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.QuotaExceededException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The table from Aurora's answers and transport failures to the service's problems. */
class AuroraProblemsTest {

  private static final URI TARGET = URI.create("http://127.0.0.1:1/api");
  private static final JobKey JOB = new JobKey("alice", "devel", "WordCount");
  private final AuroraProblems problems = new AuroraProblems("devcluster");

  private static AuroraResponseException answer(ResponseCode code, String details) {
    return new AuroraResponseException("createJob", code, details, null);
  }

  @ParameterizedTest
  @CsvSource({
    "INVALID_REQUEST, io.heroncp.problems.InvalidFieldException",
    "JOB_UPDATING_ERROR, io.heroncp.problems.ConflictException",
    "AUTH_FAILED, io.heroncp.problems.DependencyFailedException",
    "ERROR, io.heroncp.aurora.AuroraResponseException",
    "WARNING, io.heroncp.aurora.AuroraResponseException"
  })
  void eachResponseCodeBecomesItsProblem(ResponseCode code, Class<?> problem) {
    AuroraResponseException e = answer(code, "details");

    RuntimeException mapped = problems.of(e);

    assertThat(mapped).isExactlyInstanceOf(problem);
    if (mapped != e) {
      assertThat(mapped).hasCause(e);
    }
  }

  @Test
  void aQuotaRefusalIsQuotaExceededNamingTheRoleWhatWasAskedAndWhoMustAct() {
    TaskConfig task =
        new TaskConfig()
            .setJob(new JobKey("alice", "prod", "WordCount"))
            .setTier("preferred")
            .setResources(
                Set.of(Resource.numCpus(2.0), Resource.ramMb(3072), Resource.diskMb(13312)));
    AuroraResponseException refusal =
        answer(
            ResponseCode.INVALID_REQUEST,
            "Insufficient resource quota: CPU quota exceeded by 6.00 core(s)");

    RuntimeException mapped = problems.of(refusal, task, 3);
    RuntimeException withoutContext = problems.of(refusal);

    assertThat(mapped).isInstanceOf(QuotaExceededException.class).hasCause(refusal);
    assertThat(((ControlPlaneException) mapped).type()).isEqualTo("quota-exceeded");
    assertThat(((ControlPlaneException) mapped).status()).isEqualTo(403);
    assertThat(mapped.getMessage())
        .contains("for role alice")
        .contains("Insufficient resource quota: CPU quota exceeded by 6.00 core(s)")
        .contains(
            "Asked for: 3 instance(s) x (2.0 CPU, 3072 MB RAM, 13312 MB disk) = 6.0 CPU, 9216 MB RAM,"
                + " 39936 MB disk")
        .contains("tier 'preferred'")
        .contains("the Aurora operator must raise role alice's quota")
        .contains("aurora_admin set_quota devcluster alice");
    assertThat(withoutContext).isInstanceOf(QuotaExceededException.class);
    assertThat(problems.ofAdd(JOB, refusal))
        .isInstanceOf(QuotaExceededException.class)
        .hasMessageContaining("for role alice")
        .hasMessageContaining("raise role alice's quota");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Invalid tier 'gold' in TaskConfig.",
        "Configuration for executor 'Thermos2' doesn't exist.",
        "This scheduler is not configured to allow the container type DOCKER",
        "GPU resource support is disabled in this cluster."
      })
  void aRefusalOfTheClustersConfigurationIsClusterMisconfigured(String details) {
    RuntimeException mapped = problems.of(answer(ResponseCode.INVALID_REQUEST, details));

    assertThat(mapped)
        .isInstanceOf(ClusterMisconfiguredException.class)
        .hasMessageContaining(details)
        .hasMessageContaining("heroncp.clusters.devcluster");
    assertThat(((ControlPlaneException) mapped).status()).isEqualTo(502);
  }

  @Test
  void aRefusalTheRequestCanFixStaysInvalidField() {
    assertThat(
            problems.of(
                answer(
                    ResponseCode.INVALID_REQUEST,
                    "Task ID is too long, please shorten your role or job name.")))
        .isInstanceOf(InvalidFieldException.class);
  }

  @Test
  void aDeniedPermissionNamesTheUserSettingToFix() {
    assertThat(problems.of(answer(ResponseCode.AUTH_FAILED, "no access")))
        .hasMessage(
            "the Aurora scheduler of cluster devcluster denied the permission (no access); grant"
                + " heroncp.clusters.devcluster.scheduler.username the thrift.AuroraSchedulerManager permission for"
                + " this role");
  }

  @Test
  void onlyAnInvalidRequestSayingAlreadyExistsMeansTheJobExists() {
    assertThat(
            AuroraProblems.jobExists(
                answer(ResponseCode.INVALID_REQUEST, "Job alice/devel/x already exists")))
        .isTrue();
    assertThat(AuroraProblems.jobExists(answer(ResponseCode.INVALID_REQUEST, "bad resources")))
        .isFalse();
    assertThat(AuroraProblems.jobExists(answer(ResponseCode.ERROR, "already exists"))).isFalse();
  }

  @Test
  void restartingAnInactiveInstanceIsAConflictOnInstancesAndOtherRefusalsStayGeneral() {
    AuroraResponseException inactive =
        answer(ResponseCode.INVALID_REQUEST, "Not all requested shards are active.");

    assertThat(problems.ofRestart(JOB, Set.of(3), inactive))
        .isInstanceOfSatisfying(
            ConflictException.class,
            conflict ->
                assertThat(conflict)
                    .hasMessage(
                        "Aurora refused to restart instances [3] of job"
                            + " devcluster/alice/devel/WordCount: Not all requested shards are active. Restart only instances the"
                            + " job status shows as active."));
    assertThat(problems.ofRestart(JOB, Set.of(3), answer(ResponseCode.INVALID_REQUEST, "other")))
        .isInstanceOf(InvalidFieldException.class);
  }

  @Test
  void addingWithoutAnActiveInstanceZeroIsTheNoTemplateConflict() {
    RuntimeException mapped =
        problems.ofAdd(JOB, answer(ResponseCode.INVALID_REQUEST, "No active task found."));

    assertThat(mapped)
        .isInstanceOf(ConflictException.class)
        .hasMessageStartingWith(
            "instance 0 of Aurora job devcluster/alice/devel/WordCount is not active");
    assertThat(problems.ofAdd(JOB, answer(ResponseCode.JOB_UPDATING_ERROR, "busy")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("update of this job is in progress");
  }

  @Test
  void transportFailuresAreUnavailableExceptAReadTimeoutWhichMayHaveTakenEffect() {
    Duration read = Duration.ofSeconds(5);

    assertThat(problems.ofTransport("createJob", TARGET, read, new ConnectException("refused")))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageStartingWith("cannot connect");
    assertThat(
            problems.ofTransport(
                "createJob", TARGET, read, new HttpConnectTimeoutException("slow connect")))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageStartingWith("cannot connect");
    assertThat(problems.ofTransport("createJob", TARGET, read, new HttpTimeoutException("slow")))
        .isInstanceOf(DependencyTimeoutException.class)
        .hasMessage(
            "the Aurora scheduler of cluster devcluster did not answer createJob within PT5S; the call may"
                + " still take effect, check before retrying");
    assertThat(problems.ofTransport("createJob", TARGET, read, new IOException("reset")))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("failed: java.io.IOException: reset");
  }

  @Test
  void aBrokenExchangeMayHaveTakenEffectAFailedConnectDidNot() {
    Duration read = Duration.ofSeconds(5);

    assertThat(problems.ofTransport("createJob", TARGET, read, new IOException("reset")))
        .asInstanceOf(
            org.assertj.core.api.InstanceOfAssertFactories.type(
                DependencyUnavailableException.class))
        .returns(true, DependencyUnavailableException::mayHaveTakenEffect);
    assertThat(problems.ofTransport("createJob", TARGET, read, new ConnectException("refused")))
        .asInstanceOf(
            org.assertj.core.api.InstanceOfAssertFactories.type(
                DependencyUnavailableException.class))
        .returns(false, DependencyUnavailableException::mayHaveTakenEffect);
    assertThat(problems.ofHttp("createJob", TARGET, 503, new byte[0]))
        .asInstanceOf(
            org.assertj.core.api.InstanceOfAssertFactories.type(
                DependencyUnavailableException.class))
        .returns(false, DependencyUnavailableException::mayHaveTakenEffect);
  }

  @Test
  void httpStatusesMapToNoLeaderBadCredentialsOrAShortenedBody() {
    byte[] none = new byte[0];

    assertThat(problems.ofHttp("createJob", TARGET, 503, none))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("knows no leader");
    assertThat(problems.ofHttp("createJob", TARGET, 401, none))
        .isInstanceOf(DependencyFailedException.class)
        .hasMessageContaining("check heroncp.clusters.devcluster.scheduler.username/password");
    assertThat(problems.ofHttp("createJob", TARGET, 403, none)).hasMessageContaining("(HTTP 403)");
    byte[] page = ("<html>" + "x".repeat(300)).getBytes(StandardCharsets.UTF_8);
    assertThat(problems.ofHttp("createJob", TARGET, 500, page))
        .isInstanceOf(DependencyFailedException.class)
        .hasMessage(
            "the Aurora scheduler at "
                + TARGET
                + " answered createJob with HTTP 500: <html>"
                + "x".repeat(194)
                + "...");
  }
}
