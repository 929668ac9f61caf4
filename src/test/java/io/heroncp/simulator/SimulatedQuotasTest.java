package io.heroncp.simulator;

import static io.heroncp.simulator.SimulatorFixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.aurora.thrift.AuroraSchedulerManager;
import io.heroncp.aurora.thrift.GetQuotaResult;
import io.heroncp.aurora.thrift.InstanceKey;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.JobUpdateRequest;
import io.heroncp.aurora.thrift.JobUpdateSettings;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.ResourceAggregate;
import io.heroncp.aurora.thrift.Response;
import io.heroncp.aurora.thrift.ResponseCode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Role quotas in the simulator, over real Thrift on HTTP: Aurora's {@code getQuota}, a role without
 * a quota has 0 (so its production jobs are refused), only production tiers are checked, and the
 * refusal is Aurora's INVALID_REQUEST {@code Insufficient resource quota: ...}. The fixture job is
 * 0.5 CPU, 128 MB RAM, 256 MB disk per instance on the production tier {@code preferred}.
 */
class SimulatedQuotasTest {

  private AuroraSimulator simulator;
  private SimulatorHttpServer server;
  private AuroraSchedulerManager.Client client;

  @BeforeEach
  void start() throws Exception {
    SimulatorProperties properties =
        SimulatorFixtures.properties()
            .withQuotas(Map.of("www-data", new SimulatorProperties.Quota(1.0, 256, 512)));
    simulator = new AuroraSimulator(properties);
    server = new SimulatorHttpServer(simulator, properties);
    server.start();
    client = SimulatorFixtures.client(server.apiEndpoint());
  }

  @AfterEach
  void stop() {
    server.close();
    simulator.close();
  }

  @Test
  void roleWithoutQuotaHasNoneAndItsProductionJobIsRefused() throws Exception {
    JobKey key = new JobKey("nobody", "prod", "refused");

    Response quota = client.getQuota("nobody");
    Response created = client.createJob(job(key, 1));

    assertThat(quota.getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(amounts(quota.getResult().getGetQuotaResult().getQuota())).isEqualTo("0.0/0/0");
    assertThat(created.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(created.getDetails().get(0).getMessage())
        .isEqualTo(
            "Insufficient resource quota: CPU quota exceeded by 0.50 core(s); "
                + "RAM quota exceeded by 128.00 MB; DISK quota exceeded by 256.00 MB");
    assertThat(simulator.getTasksStatus(new io.heroncp.aurora.thrift.TaskQuery()).getResult())
        .satisfies(result -> assertThat(result.getScheduleStatusResult().getTasks()).isEmpty());
  }

  @Test
  void nonProductionTiersAreNeverQuotaChecked() throws Exception {
    JobConfiguration preemptible = job(new JobKey("nobody", "devel", "free"), 3);
    preemptible.getTaskConfig().setTier("preemptible");
    JobConfiguration defaulted = job(new JobKey("nobody", "devel", "defaulted"), 1);
    defaulted.getTaskConfig().unsetTier();

    assertThat(client.createJob(preemptible).getResponseCode()).isEqualTo(ResponseCode.OK);
    assertThat(client.createJob(defaulted).getResponseCode()).isEqualTo(ResponseCode.OK);
    GetQuotaResult quota = client.getQuota("nobody").getResult().getGetQuotaResult();
    assertThat(amounts(quota.getNonProdSharedConsumption())).isEqualTo("2.0/512/1024");
    assertThat(amounts(quota.getProdSharedConsumption())).isEqualTo("0.0/0/0");
  }

  @Test
  void productionUseCountsAgainstTheQuotaAcrossCreateAddAndUpdate() throws Exception {
    JobKey key = new JobKey("www-data", "prod", "counted");
    JobConfiguration job = job(key, 2);

    Response created = client.createJob(job);
    Response added = client.addInstances(new InstanceKey(key, 0), 1);
    Response updated =
        client.startJobUpdate(
            new JobUpdateRequest()
                .setTaskConfig(job.getTaskConfig())
                .setInstanceCount(3)
                .setSettings(new JobUpdateSettings().setUpdateGroupSize(1)),
            "grow");
    Response second = client.createJob(job(new JobKey("www-data", "prod", "second"), 1));
    GetQuotaResult quota = client.getQuota("www-data").getResult().getGetQuotaResult();

    assertThat(created.getResponseCode()).as("2 x 0.5 CPU fit 1.0").isEqualTo(ResponseCode.OK);
    assertThat(added.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(added.getDetails().get(0).getMessage())
        .startsWith("Insufficient resource quota: CPU quota exceeded by 0.50 core(s)");
    assertThat(updated.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(updated.getDetails().get(0).getMessage())
        .startsWith("Insufficient resource quota: ");
    assertThat(second.getResponseCode()).isEqualTo(ResponseCode.INVALID_REQUEST);
    assertThat(amounts(quota.getQuota())).isEqualTo("1.0/256/512");
    assertThat(amounts(quota.getProdSharedConsumption())).isEqualTo("1.0/256/512");
  }

  @Test
  void blankRoleIsAnError() throws Exception {
    assertThat(client.getQuota(" ").getResponseCode()).isEqualTo(ResponseCode.ERROR);
  }

  /** cpus/ramMb/diskMb of an aggregate. */
  private static String amounts(ResourceAggregate aggregate) {
    double cpus = 0;
    long ram = 0;
    long disk = 0;
    for (Resource resource : aggregate.getResources()) {
      if (resource.isSetNumCpus()) {
        cpus = resource.getNumCpus();
      } else if (resource.isSetRamMb()) {
        ram = resource.getRamMb();
      } else if (resource.isSetDiskMb()) {
        disk = resource.getDiskMb();
      }
    }
    return cpus + "/" + ram + "/" + disk;
  }
}
