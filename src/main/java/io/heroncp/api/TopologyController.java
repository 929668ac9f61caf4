package io.heroncp.api;

import io.heroncp.heron.HeronConfigKeys;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.problems.MalformedRequestException;
import io.heroncp.topology.OperationResult;
import io.heroncp.topology.RequestBounds;
import io.heroncp.topology.Requester;
import io.heroncp.topology.SubmitCommand;
import io.heroncp.topology.TopologyLifecycle;
import io.heroncp.topology.TopologyLifecycle.DryRun;
import io.heroncp.topology.TopologyLifecycle.Page;
import io.heroncp.topology.TopologyRecord;
import io.heroncp.topology.TopologyState;
import io.heroncp.topology.Upload;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * Topologies: heron-apiserver's paths and form fields (so Heron's CLI works unchanged), plus reads.
 */
@RestController
@RequestMapping("/api/v1/topologies")
class TopologyController {

  /** Form fields that are not config overrides. */
  private static final Set<String> RESERVED =
      Set.of(
          "name",
          "cluster",
          "role",
          "environment",
          "user",
          "definition",
          "topology",
          "dry_run",
          "dry_run_format",
          "verbose",
          "verbose_gc");

  /**
   * RFC 9111 section 5.5's code 110 (obsoleted there, still understood by HTTP clients and
   * proxies).
   */
  static final String STALE_WARNING = "110 - \"Response is Stale\"";

  /** What Heron's CLI sends for a bare {@code cluster} (heron.md section 1.1). */
  static final String HERON_DEFAULT_ENVIRONMENT = "default";

  private final TopologyLifecycle lifecycle;
  private final RequestBounds bounds;
  private final RenderedViews views;

  TopologyController(TopologyLifecycle lifecycle, RequestBounds bounds, RenderedViews views) {
    this.lifecycle = lifecycle;
    this.bounds = bounds;
    this.views = views;
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<?> submit(MultipartHttpServletRequest request, Requester requester) {
    if (request.getMultiFileMap().isEmpty()
        && request.getParameterMap().isEmpty()
        && request.getContentLengthLong() != 0) {
      throw new MalformedRequestException(
          "The multipart/form-data body has no parts: check that the body uses the "
              + "boundary named in the Content-Type header",
          null);
    }
    bounds.formSize(Requesters.formSize(request));
    // A typo (dryrun, enviroment) must not become a config override or a default: 422, nothing
    // written.
    List<String> fields = new ArrayList<>(request.getParameterMap().keySet());
    fields.addAll(request.getMultiFileMap().keySet());
    FormFields.requireKnown(fields, RESERVED, true);
    List<String> missing = new ArrayList<>();
    for (String field : List.of("name", "cluster", "role")) {
      String value = request.getParameter(field);
      if (value == null || value.isBlank()) {
        missing.add(field);
      }
    }
    MultipartFile definition = request.getFile("definition");
    MultipartFile topology = request.getFile("topology");
    if (definition == null) {
      missing.add("definition");
    }
    if (topology == null) {
      missing.add("topology");
    }
    if (!missing.isEmpty()) {
      throw new MissingFieldsException(missing);
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    request
        .getParameterMap()
        .forEach(
            (key, values) -> {
              if (!RESERVED.contains(key) && values.length > 0) {
                overrides.put(key, FormFields.overrideValue(values[values.length - 1]));
              }
            });
    // heron-apiserver: the presence of verbose / verbose_gc switches Heron's keys on.
    if (FormFields.flag("verbose_gc", request.getParameter("verbose_gc"))) {
      overrides.put(HeronConfigKeys.VERBOSE_GC, "true");
    }
    if (FormFields.flag("verbose", request.getParameter("verbose"))) {
      overrides.put(HeronConfigKeys.VERBOSE, "true");
    }
    // Before anything is stored or sent: the role, then who the job runs as (403 otherwise).
    requester.requireMayActAs(
        request.getParameter("cluster"), request.getParameter("role"), "submit");
    String user = requester.jobOwner(blankToNull(request.getParameter("user")));
    boolean dryRun = FormFields.flag("dry_run", request.getParameter("dry_run"));
    SubmitCommand command =
        new SubmitCommand(
            request.getParameter("name"),
            request.getParameter("cluster"),
            request.getParameter("role"),
            environment(request.getParameter("environment")),
            user,
            upload(definition),
            upload(topology),
            dryRun,
            request.getParameter("dry_run_format"),
            overrides);
    if (dryRun) {
      DryRun rendering = lifecycle.dryRun(command);
      return ResponseEntity.ok(TopologyViews.dryRun(rendering));
    }
    OperationResult result =
        lifecycle.submit(
            command,
            requester.name(),
            Requesters.idempotencyKey(request),
            Requesters.scope(request));
    TopologyRecord record = result.record();
    if (record == null) {
      return ResponseEntity.ok(OperationViews.of(result.operation()));
    }
    return ResponseEntity.created(URI.create("/api/v1/topologies/" + record.key().path()))
        .eTag(etag(record))
        .body(new TopologyViews.Submitted(TopologyViews.of(record, null), result.operation().id()));
  }

  @GetMapping
  ResponseEntity<TopologyViews.TopologyPage> list(
      @RequestParam(required = false) String cluster,
      @RequestParam(required = false) String role,
      @RequestParam(required = false) String environment,
      @RequestParam(required = false) String state,
      @RequestParam(name = "page_size", defaultValue = "100") int pageSize,
      @RequestParam(name = "page_token", required = false) String pageToken) {
    TopologyState wanted = null;
    if (state != null && !state.isBlank()) {
      try {
        wanted = TopologyState.valueOf(state.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidFieldException(
            "state must be one of " + List.of(TopologyState.values()), "state");
      }
    }
    // Read before the cache, so a read that raced a reconnect is never reported fresh.
    boolean stale = !lifecycle.storeConnected();
    Page page = lifecycle.list(cluster, role, environment, wanted, pageSize, pageToken);
    return staleWhen(stale, ResponseEntity.ok())
        .body(
            new TopologyViews.TopologyPage(
                page.records().stream().map(views::listView).toList(),
                page.nextPageToken(),
                staleFlag(stale)));
  }

  /** A {@link TopologyViews.Described}, rendered once per record and observation. */
  @GetMapping("/{cluster}/{role}/{environment}/{name}")
  ResponseEntity<PreRenderedJson> describe(
      @PathVariable String cluster,
      @PathVariable String role,
      @PathVariable String environment,
      @PathVariable String name,
      @RequestParam(defaultValue = "false") boolean refresh) {
    boolean stale = !lifecycle.storeConnected();
    TopologyLifecycle.Description description =
        lifecycle.describe(bounds.key(cluster, role, environment, name), refresh);
    return staleWhen(
            stale,
            ResponseEntity.ok()
                .eTag(etag(description.record()))
                .header(HttpHeaders.CACHE_CONTROL, "no-cache"))
        .body(views.description(description, stale));
  }

  /**
   * Reads answer from the watched cache even while ZooKeeper is unreachable (records then may be
   * outdated): such answers carry {@code Warning: 110} and {@code "stale": true}, so clients can
   * tell.
   */
  private static ResponseEntity.BodyBuilder staleWhen(
      boolean stale, ResponseEntity.BodyBuilder response) {
    return stale ? response.header("Warning", STALE_WARNING) : response;
  }

  /** {@code "stale": true} in the body while stale, absent otherwise. */
  private static Boolean staleFlag(boolean stale) {
    return stale ? Boolean.TRUE : null;
  }

  @DeleteMapping("/{cluster}/{role}/{environment}/{name}")
  ResponseEntity<TopologyViews.VerbAnswer> kill(
      @PathVariable String cluster,
      @PathVariable String role,
      @PathVariable String environment,
      @PathVariable String name,
      Requester requester,
      HttpServletRequest request) {
    OperationResult result =
        lifecycle.kill(
            Requesters.operation(
                requester,
                request,
                Requesters.key(bounds, request, cluster, role, environment, name),
                "kill"));
    return Requesters.answer(result, name + " killed");
  }

  private static String etag(TopologyRecord record) {
    return "\"" + record.version() + "\"";
  }

  /**
   * Blank, or Heron's CLI's {@code default} (a bare cluster sends it; Aurora has no such
   * environment): the cluster's default environment.
   */
  private static String environment(String value) {
    return value == null || value.isBlank() || value.equals(HERON_DEFAULT_ENVIRONMENT)
        ? null
        : value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static Upload upload(MultipartFile file) {
    return new Upload(file.getOriginalFilename(), file.getSize(), file::getInputStream);
  }
}
