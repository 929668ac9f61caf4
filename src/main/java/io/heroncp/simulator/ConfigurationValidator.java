package io.heroncp.simulator;

import io.heroncp.aurora.thrift.Constraint;
import io.heroncp.aurora.thrift.Container;
import io.heroncp.aurora.thrift.DockerContainer;
import io.heroncp.aurora.thrift.JobConfiguration;
import io.heroncp.aurora.thrift.JobKey;
import io.heroncp.aurora.thrift.MesosContainer;
import io.heroncp.aurora.thrift.Resource;
import io.heroncp.aurora.thrift.TaskConfig;
import io.heroncp.aurora.thrift.ValueConstraint;
import io.heroncp.aurora.thrift.aurora_apiConstants;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Aurora's job and task validation and defaulting ({@code
 * ConfigurationManager.validateAndPopulate}, {@code TierManager}), in Aurora's order and with
 * Aurora's messages, for the stock scheduler flags: executor {@code AuroraExecutor} only, Mesos
 * containers only, no GPUs, no fetcher URIs, no volumes, the stock {@code tiers.json}. Not checked:
 * SLA policy limits (only "SLA policy on a non-production tier" is rejected, with a message of our
 * own).
 *
 * <p>Stateless and thread-safe. Inputs are never modified: the populated configuration is a copy.
 */
final class ConfigurationValidator {

  /** A tier of the stock {@code tiers.json}. */
  record Tier(String name, boolean preemptible, boolean revocable) {
    boolean production() {
      return !preemptible && !revocable;
    }
  }

  /** A configuration Aurora would reject with INVALID_REQUEST; the message is Aurora's. */
  static final class InvalidConfigurationException extends Exception {
    InvalidConfigurationException(String message) {
      super(message);
    }
  }

  static final String DEFAULT_TIER = "preemptible";
  static final Map<String, Tier> TIERS =
      Map.of(
          "preferred", new Tier("preferred", false, false),
          "preemptible", new Tier("preemptible", true, false),
          "revocable", new Tier("revocable", true, true));

  private static final Pattern GOOD_IDENTIFIER =
      Pattern.compile(aurora_apiConstants.GOOD_IDENTIFIER_PATTERN);
  private static final int MAX_IDENTIFIER_LENGTH = 255;
  private static final String DEDICATED_ATTRIBUTE = "dedicated";

  private final Pattern allowedEnvironments;
  private final String allowedEnvironmentsRegex;

  ConfigurationValidator(String allowedEnvironmentsRegex) {
    this.allowedEnvironmentsRegex = allowedEnvironmentsRegex;
    this.allowedEnvironments = Pattern.compile(allowedEnvironmentsRegex);
  }

  static boolean isGoodIdentifier(String value) {
    return value != null && GOOD_IDENTIFIER.matcher(value).matches();
  }

  /** Aurora's {@code JobKeys.isValid}: all three parts set, good identifiers, at most 255 chars. */
  static boolean isValidJobKey(JobKey key) {
    return key != null
        && isValidPart(key.getRole())
        && isValidPart(key.getEnvironment())
        && isValidPart(key.getName());
  }

  /** The job key as Aurora writes it in messages: role/environment/name. */
  static String canonical(JobKey key) {
    return key.getRole() + "/" + key.getEnvironment() + "/" + key.getName();
  }

  private static boolean isValidPart(String part) {
    return isGoodIdentifier(part) && part.length() <= MAX_IDENTIFIER_LENGTH;
  }

  /** Validates a job as createJob and populateJobConfig do, and returns it populated (a copy). */
  JobConfiguration validateAndPopulate(JobConfiguration job) throws InvalidConfigurationException {
    if (!job.isSetTaskConfig()) {
      throw new InvalidConfigurationException("Job configuration must have taskConfig set.");
    }
    if (job.getInstanceCount() <= 0) {
      throw new InvalidConfigurationException("Instance count must be positive.");
    }
    if (!isValidJobKey(job.getKey())) {
      throw new InvalidConfigurationException("Job key " + job.getKey() + " is invalid.");
    }
    String environment = job.getKey().getEnvironment();
    if (!allowedEnvironments.matcher(environment).matches()) {
      throw new InvalidConfigurationException(
          String.format(
              "Job environment %s doesn't match: %s", environment, allowedEnvironmentsRegex));
    }
    if (job.isSetOwner() && !isGoodIdentifier(job.getOwner().getUser())) {
      throw new InvalidConfigurationException(
          "Job user contains illegal characters: " + job.getOwner().getUser());
    }
    JobConfiguration populated = job.deepCopy();
    populated.setTaskConfig(validateAndPopulate(job.getTaskConfig()));
    if (job.getCronSchedule() != null
        && !job.getCronSchedule().isEmpty()
        && populated.getTaskConfig().isIsService()) {
      throw new InvalidConfigurationException(
          "A service task may not be run on a cron schedule: " + populated);
    }
    return populated;
  }

  /** Validates a task as createJob and startJobUpdate do, and returns it populated (a copy). */
  TaskConfig validateAndPopulate(TaskConfig config) throws InvalidConfigurationException {
    TaskConfig task = config.deepCopy();
    if (task.isSetTier() && !isGoodIdentifier(task.getTier())) {
      throw new InvalidConfigurationException(
          "Tier contains illegal characters: " + task.getTier());
    }
    String tierName = task.isSetTier() ? task.getTier() : DEFAULT_TIER;
    Tier tier = TIERS.get(tierName);
    if (tier == null) {
      throw new InvalidConfigurationException(
          String.format("Invalid tier '%s' in TaskConfig.", tierName));
    }
    if (!isValidJobKey(task.getJob())) {
      throw new InvalidConfigurationException("Job key " + task.getJob() + " is invalid.");
    }
    boolean docker = task.isSetContainer() && task.getContainer().isSetDocker();
    if (!task.isSetExecutorConfig() && !docker) {
      throw new InvalidConfigurationException("Configuration may not be null.");
    }
    if (task.isSetExecutorConfig()) {
      if (!task.getExecutorConfig().isSetName()) {
        throw new InvalidConfigurationException("Executor name may not be left unset.");
      }
      if (!aurora_apiConstants.AURORA_EXECUTOR_NAME.equals(task.getExecutorConfig().getName())) {
        throw new InvalidConfigurationException(
            "Configuration for executor '"
                + task.getExecutorConfig().getName()
                + "' doesn't exist.");
      }
    }
    checkDedicatedConstraint(task);
    if (docker) {
      DockerContainer container = task.getContainer().getDocker();
      if (!container.isSetImage()) {
        throw new InvalidConfigurationException("A container must specify an image.");
      }
      if (container.isSetParameters() && !container.getParameters().isEmpty()) {
        // -allow_docker_parameters defaults to false.
        throw new InvalidConfigurationException(
            "This scheduler is configured to disallow Docker parameters.");
      }
      if (!task.isSetExecutorConfig()) {
        // -require_docker_use_executor defaults to true.
        throw new InvalidConfigurationException(
            "This scheduler is configured to require an executor for Docker-based tasks.");
      }
      // -allowed_container_types defaults to MESOS only.
      throw new InvalidConfigurationException(
          "This scheduler is not configured to allow the container type DOCKER");
    }
    if (!task.isSetContainer()) {
      task.setContainer(Container.mesos(new MesosContainer()));
    }
    checkResources(task);
    if (task.isSetMesosFetcherUris() && !task.getMesosFetcherUris().isEmpty()) {
      // -enable_mesos_fetcher defaults to false.
      throw new InvalidConfigurationException(
          "Mesos Fetcher for individual jobs is disabled in this cluster.");
    }
    MesosContainer mesos = task.getContainer().getMesos();
    if (mesos != null && mesos.isSetVolumes() && !mesos.getVolumes().isEmpty()) {
      // -allow_container_volumes defaults to false.
      throw new InvalidConfigurationException(
          "This scheduler is configured to disallow container volumes.");
    }
    if (task.isSetSlaPolicy() && !tier.production()) {
      throw new InvalidConfigurationException(
          "Tier '" + tierName + "' does not support SLA policies: only production tiers do.");
    }
    if (!task.isSetTaskLinks() || task.getTaskLinks().isEmpty()) {
      task.setTaskLinks(defaultTaskLinks(task));
    }
    task.setTier(tierName);
    task.setProduction(tier.production());
    return task;
  }

  private static void checkDedicatedConstraint(TaskConfig task)
      throws InvalidConfigurationException {
    if (!task.isSetConstraints()) {
      return;
    }
    for (Constraint constraint : task.getConstraints()) {
      if (!DEDICATED_ATTRIBUTE.equals(constraint.getName())) {
        continue;
      }
      if (constraint.getConstraint() == null || !constraint.getConstraint().isSetValue()) {
        throw new InvalidConfigurationException("A dedicated constraint must be of value type.");
      }
      ValueConstraint value = constraint.getConstraint().getValue();
      if (value.getValues() == null || value.getValues().size() != 1) {
        throw new InvalidConfigurationException(
            "A dedicated constraint must have exactly one value");
      }
      String dedicatedRole = value.getValues().iterator().next().split("/", 2)[0];
      if (!"*".equals(dedicatedRole) && !dedicatedRole.equals(task.getJob().getRole())) {
        throw new InvalidConfigurationException(
            "Only " + dedicatedRole + " may use hosts dedicated for that role.");
      }
    }
  }

  private static void checkResources(TaskConfig task) throws InvalidConfigurationException {
    int cpus = 0;
    int rams = 0;
    int disks = 0;
    int gpus = 0;
    double cpu = 0;
    long ram = 0;
    long disk = 0;
    if (task.isSetResources()) {
      for (Resource resource : task.getResources()) {
        if (resource.isSetNumCpus()) {
          cpus++;
          cpu = resource.getNumCpus();
        } else if (resource.isSetRamMb()) {
          rams++;
          ram = resource.getRamMb();
        } else if (resource.isSetDiskMb()) {
          disks++;
          disk = resource.getDiskMb();
        } else if (resource.isSetNumGpus()) {
          gpus++;
        }
      }
    }
    // Aurora joins the display names of the offending types, sorted: CPU, GPU, RAM, disk.
    List<String> multiple = new ArrayList<>();
    if (cpus > 1) {
      multiple.add("CPU");
    }
    if (rams > 1) {
      multiple.add("RAM");
    }
    if (disks > 1) {
      multiple.add("disk");
    }
    if (gpus > 1) {
      multiple.add("GPU");
    }
    Collections.sort(multiple);
    if (!multiple.isEmpty()) {
      throw new InvalidConfigurationException(
          "Multiple resource values are not supported for " + String.join(", ", multiple));
    }
    checkGreaterThanZero(cpu, "num_cpus");
    checkGreaterThanZero(ram, "ram_mb");
    checkGreaterThanZero(disk, "disk_mb");
    if (gpus > 0) {
      // -allow_gpu_resource defaults to false.
      throw new InvalidConfigurationException("GPU resource support is disabled in this cluster.");
    }
  }

  private static void checkGreaterThanZero(double value, String label)
      throws InvalidConfigurationException {
    if (!(value > 0.0)) {
      throw new InvalidConfigurationException(label + " must be greater than 0.0");
    }
  }

  private static Map<String, String> defaultTaskLinks(TaskConfig task) {
    Map<String, String> links = new LinkedHashMap<>();
    if (task.isSetResources()) {
      for (Resource resource : task.getResources()) {
        if (resource.isSetNamedPort()) {
          String port = resource.getNamedPort();
          if ("health".equals(port)) {
            links.put("health", "http://%host%:%port:health%");
          } else if ("http".equals(port)) {
            links.put("http", "http://%host%:%port:http%");
          }
        }
      }
    }
    return links;
  }
}
