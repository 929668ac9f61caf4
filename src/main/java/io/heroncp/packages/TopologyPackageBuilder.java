package io.heroncp.packages;

import io.heroncp.packages.TarGz.Source;
import io.heroncp.problems.InvalidFieldException;
import io.heroncp.topology.TopologyPackageRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a topology package the way heron-apiserver does and stores it in the {@link PackageStore}.
 *
 * <p>The package is {@code topology.tar.gz} holding, at top level, {@code <name>.defn} and the
 * topology binary (under its uploaded name), and {@code heron-conf/}: the cluster's Heron config
 * directory (or {@link BuiltInHeronConfig}) plus {@code heron-conf/override.yaml} with the submit's
 * overrides. Overrides whose key already appears in {@code statemgr.yaml} are written into that
 * file as well, because Heron's executor reads {@code statemgr.yaml} and ignores {@code
 * override.yaml} (apache/incubator-heron issue #3287), and {@code heron.statemgr.connection.string}
 * / {@code heron.statemgr.root.path} in it are always set to the cluster's ZooKeeper so Heron's
 * processes share the control plane's state. A config directory without a {@code statemgr.yaml}
 * gets the built-in one; an {@code override.yaml} in it is replaced.
 *
 * <p>Deterministic: identical requests give byte-identical packages (entries sorted by name, fixed
 * mtime, owner and modes, gzip header without time or name), hence the same digest, on the same JVM
 * build. Thread-safe; the package is streamed into the store, never held in memory.
 */
public final class TopologyPackageBuilder {

  private static final Logger log = LoggerFactory.getLogger(TopologyPackageBuilder.class);

  /** The package's file name, as heron-apiserver names it. */
  public static final String PACKAGE_FILE_NAME = "topology.tar.gz";

  /**
   * The config directory inside the package ({@code heron.directory.cluster.conf} is {@code
   * ./heron-conf}).
   */
  public static final String CONFIG_DIRECTORY = "heron-conf";

  public static final String STATE_MANAGER_FILE = "statemgr.yaml";
  public static final String OVERRIDE_FILE = "override.yaml";
  public static final String STATE_MANAGER_CONNECTION_KEY = "heron.statemgr.connection.string";
  public static final String STATE_MANAGER_ROOT_KEY = "heron.statemgr.root.path";

  /** A top-level {@code key:} line of a YAML mapping (Heron's config files use plain keys). */
  private static final Pattern TOP_LEVEL_KEY =
      Pattern.compile("^([A-Za-z0-9_][A-Za-z0-9_.\\-/]*)\\s*:(\\s.*)?$");

  private static final Pattern TOPOLOGY_NAME = Pattern.compile("^[A-Za-z0-9_-]+$");
  private static final String API_PATH = "/api/v1/packages/";

  private final PackageStore store;
  private final Supplier<URI> publicBaseUrl;
  private final PackageUrlSigner signer;

  /**
   * @param store where packages are stored
   * @param publicBaseUrl the service's URL as Aurora's agents reach it, read on every build (so it
   *     may be resolved once the web server's port is known)
   * @param signer signs the package URIs when it has a secret
   */
  public TopologyPackageBuilder(
      PackageStore store, Supplier<URI> publicBaseUrl, PackageUrlSigner signer) {
    this.store = Objects.requireNonNull(store, "store");
    this.publicBaseUrl = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /** Unsigned package URIs. */
  public TopologyPackageBuilder(PackageStore store, Supplier<URI> publicBaseUrl) {
    this(store, publicBaseUrl, PackageUrlSigner.unsigned());
  }

  public TopologyPackageBuilder(PackageStore store, URI publicBaseUrl, PackageUrlSigner signer) {
    this(store, constant(Objects.requireNonNull(publicBaseUrl, "publicBaseUrl")), signer);
  }

  public TopologyPackageBuilder(PackageStore store, URI publicBaseUrl) {
    this(store, publicBaseUrl, PackageUrlSigner.unsigned());
  }

  private static Supplier<URI> constant(URI uri) {
    return () -> uri;
  }

  /**
   * The URI a package stored now would be served under (signed like a real one), for renderings
   * that store nothing (dry runs) and the preflight's probe.
   */
  public URI placeholderUri() {
    return serviceUri(new StoredPackage("0".repeat(64), PACKAGE_FILE_NAME, 0, null));
  }

  /**
   * Builds, stores and addresses the package. Idempotent: the same request stores nothing new and
   * returns the same package.
   *
   * @throws InvalidFieldException {@code name} if the topology name is not {@code
   *     ^[A-Za-z0-9_-]+$}; {@code topology} if the binary's name is not a plain file name of at
   *     most 99 characters or collides with the definition or {@code heron-conf}; the override's
   *     key if an override has an empty key, a control character in its key, no value, or sets the
   *     state manager connection or root to something else than the cluster's
   * @throws UncheckedIOException if the binary or the config directory cannot be read or the store
   *     fails
   */
  public TopologyPackage build(TopologyPackageRequest request) {
    Objects.requireNonNull(request, "request");
    String definitionName = definitionFileName(request.topologyName());
    checkBinaryFileName(request.binaryFileName(), definitionName);
    checkOverrides(request);

    SortedMap<String, Source> entries = new TreeMap<>();
    entries.put(definitionName, new Source.Bytes(request.definition()));
    entries.put(request.binaryFileName(), new Source.File(request.binary()));
    entries.put(CONFIG_DIRECTORY + "/", Source.DIRECTORY);
    configFiles(request)
        .forEach(
            (relative, source) -> {
              String name = CONFIG_DIRECTORY + "/" + relative;
              entries.put(name, source);
              // Parent directories get their own entries, as tar does.
              for (int slash = relative.indexOf('/');
                  slash >= 0;
                  slash = relative.indexOf('/', slash + 1)) {
                entries.put(
                    CONFIG_DIRECTORY + "/" + relative.substring(0, slash + 1), Source.DIRECTORY);
              }
            });
    for (String name : entries.keySet()) {
      // Shorter than the ustar name field: no long-name records, whose headers would carry the
      // current time.
      if (name.getBytes(StandardCharsets.UTF_8).length >= TarConstants.NAMELEN) {
        throw new IllegalStateException(
            "package entry name longer than "
                + (TarConstants.NAMELEN - 1)
                + " bytes: "
                + name
                + "; shorten the file name in the Heron config directory");
      }
    }

    StoredPackage stored = store.write(PACKAGE_FILE_NAME, out -> TarGz.write(entries, out));
    URI uri = uriOf(stored);
    // The path only: the signature is a capability, kept out of the log.
    log.info(
        "Built topology package for {}: {} ({} bytes, {} entries{})",
        request.topologyName(),
        uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath(),
        stored.size(),
        entries.size(),
        uri.getRawQuery() == null ? "" : ", signed URI");
    return new TopologyPackage(stored, uri);
  }

  /**
   * The URI Aurora's agents fetch a stored file from: the store's direct URI when it gives one
   * (presigned S3 URLs), else {@link #serviceUri(StoredPackage)}.
   */
  public URI uriOf(StoredPackage stored) {
    return store.directUri(stored).orElseGet(() -> serviceUri(stored));
  }

  /**
   * The URI this service serves a stored file under: {@link #uriOf(StoredPackage, URI)} under the
   * public base URL, with {@code ?sig=<signature>} when a package URL secret is configured.
   */
  public URI serviceUri(StoredPackage stored) {
    URI unsigned = uriOf(stored, publicBaseUrl.get());
    if (!signer.signs()) {
      return unsigned;
    }
    return URI.create(
        unsigned
            + "?"
            + PackageUrlSigner.PARAMETER
            + "="
            + signer.sign(stored.sha256(), stored.fileName()));
  }

  /**
   * The unsigned URI a stored file is served under: {@code
   * <publicBaseUrl>/api/v1/packages/<sha256>/<fileName>}. A path in {@code publicBaseUrl} (a
   * reverse proxy's prefix) is kept; a trailing slash is not doubled.
   *
   * @throws IllegalArgumentException if {@code publicBaseUrl} is not an absolute URI without query
   *     and fragment
   */
  public static URI uriOf(StoredPackage stored, URI publicBaseUrl) {
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
    if (!publicBaseUrl.isAbsolute()
        || publicBaseUrl.getRawQuery() != null
        || publicBaseUrl.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "heroncp.packages.public-base-url must be an absolute URL without query"
              + " or fragment, e.g. http://heroncp.example.com:8080, not "
              + publicBaseUrl);
    }
    String base = publicBaseUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + API_PATH + stored.sha256() + "/" + stored.fileName());
  }

  private static String definitionFileName(String topologyName) {
    if (!TOPOLOGY_NAME.matcher(topologyName).matches()) {
      throw new InvalidFieldException(
          "The topology name '"
              + topologyName
              + "' may contain only letters, digits,"
              + " '_' and '-'.",
          "name");
    }
    return topologyName + ".defn";
  }

  private static void checkBinaryFileName(String binaryFileName, String definitionName) {
    if (!PackageStore.isPlainFileName(binaryFileName)
        || binaryFileName.length() >= TarConstants.NAMELEN) {
      throw new InvalidFieldException(
          "The topology file name '"
              + binaryFileName
              + "' must be a plain file name"
              + " of at most "
              + (TarConstants.NAMELEN - 1)
              + " letters, digits, '.', '_' and '-'.",
          "topology");
    }
    if (binaryFileName.equals(definitionName) || binaryFileName.equals(CONFIG_DIRECTORY)) {
      throw new InvalidFieldException(
          "The topology file may not be named '"
              + binaryFileName
              + "': the package"
              + " uses that name for the definition or the config directory; rename the file.",
          "topology");
    }
  }

  private static void checkOverrides(TopologyPackageRequest request) {
    for (Map.Entry<String, String> override : request.overrides().entrySet()) {
      String key = override.getKey();
      if (key.isBlank() || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new InvalidFieldException(
            "A config override has an empty key or a control character in its key;"
                + " send overrides as key=value with a Heron config key.",
            key);
      }
      if (override.getValue() == null) {
        throw new InvalidFieldException(
            "The config override " + key + " has no value; send it as key=value.", key);
      }
      String managed = managedValue(request, key);
      if (managed != null && !managed.equals(override.getValue())) {
        throw new InvalidFieldException(
            "The config override "
                + key
                + " is set by the control plane for the"
                + " cluster ("
                + managed
                + ") and cannot be changed per topology; leave it out.",
            key);
      }
    }
  }

  private static String managedValue(TopologyPackageRequest request, String key) {
    if (key.equals(STATE_MANAGER_CONNECTION_KEY)) {
      return request.stateManagerConnection();
    }
    if (key.equals(STATE_MANAGER_ROOT_KEY)) {
      return request.stateManagerRoot();
    }
    return null;
  }

  /** The {@code heron-conf/} files by path relative to it ('/'-separated), sorted. */
  private static SortedMap<String, Source> configFiles(TopologyPackageRequest request) {
    SortedMap<String, Source> files = new TreeMap<>();
    Path directory = request.heronConfigDirectory();
    if (directory == null) {
      for (String name : BuiltInHeronConfig.FILES) {
        files.put(name, new Source.Bytes(BuiltInHeronConfig.read(name)));
      }
    } else {
      if (!Files.isDirectory(directory)) {
        throw new UncheckedIOException(
            new IOException(
                "the Heron config directory "
                    + directory
                    + " does not exist; fix heroncp.clusters.<name>.heron-config-directory"));
      }
      try (Stream<Path> walk = Files.walk(directory)) {
        walk.filter(Files::isRegularFile)
            .forEach(
                file -> {
                  StringBuilder relative = new StringBuilder();
                  for (Path part : directory.relativize(file)) {
                    relative.append(relative.length() == 0 ? "" : "/").append(part);
                  }
                  files.put(relative.toString(), new Source.File(file));
                });
      } catch (IOException e) {
        throw new UncheckedIOException(
            "reading the Heron config directory " + directory + " failed", e);
      }
    }

    byte[] stateManagerConfig =
        files.containsKey(STATE_MANAGER_FILE)
            ? files.get(STATE_MANAGER_FILE).bytes()
            : BuiltInHeronConfig.read(STATE_MANAGER_FILE);
    files.put(
        STATE_MANAGER_FILE,
        new Source.Bytes(
            stateManagerConfig(new String(stateManagerConfig, StandardCharsets.UTF_8), request)
                .getBytes(StandardCharsets.UTF_8)));
    files.put(
        OVERRIDE_FILE,
        new Source.Bytes(overrideConfig(request.overrides()).getBytes(StandardCharsets.UTF_8)));
    return files;
  }

  /**
   * {@code override.yaml}: one double-quoted {@code "key": "value"} line per override, sorted by
   * key.
   */
  static String overrideConfig(Map<String, String> overrides) {
    StringBuilder yaml =
        new StringBuilder(
            "# Heron config overrides of this topology, set at submit; Heron reads them after the other files.\n");
    if (overrides.isEmpty()) {
      yaml.append("{}\n"); // an empty mapping, not an empty document (which loads as null)
    }
    new TreeMap<>(overrides)
        .forEach(
            (key, value) ->
                yaml.append(quoted(key)).append(": ").append(quoted(value)).append('\n'));
    return yaml.toString();
  }

  /**
   * {@code statemgr.yaml} with the state manager connection and root set, and every override whose
   * key is a top-level key of the original file applied. Comments and other lines are kept.
   */
  static String stateManagerConfig(String original, TopologyPackageRequest request) {
    Map<String, String> replacements = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>(List.of(original.split("\n", -1)));
    Set<String> presentKeys = new HashSet<>();
    for (String line : lines) {
      Matcher matcher = TOP_LEVEL_KEY.matcher(line);
      if (matcher.matches()) {
        presentKeys.add(matcher.group(1));
      }
    }
    request
        .overrides()
        .forEach(
            (key, value) -> {
              if (presentKeys.contains(key)) {
                replacements.put(key, value);
              }
            });
    replacements.put(STATE_MANAGER_CONNECTION_KEY, request.stateManagerConnection());
    replacements.put(STATE_MANAGER_ROOT_KEY, request.stateManagerRoot());

    StringBuilder result = new StringBuilder();
    boolean skippingBlock = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean last = i == lines.size() - 1;
      if (skippingBlock
          && !line.isEmpty()
          && (line.startsWith(" ") || line.startsWith("\t") || line.startsWith("-"))) {
        continue; // the replaced key's old block value
      }
      skippingBlock = false;
      Matcher matcher = TOP_LEVEL_KEY.matcher(line);
      if (matcher.matches() && replacements.containsKey(matcher.group(1))) {
        String key = matcher.group(1);
        line = key + ": " + quoted(replacements.remove(key));
        skippingBlock = true;
      }
      result.append(line);
      if (!last) {
        result.append('\n');
      }
    }
    if (!replacements.isEmpty()) {
      if (result.length() > 0 && result.charAt(result.length() - 1) != '\n') {
        result.append('\n');
      }
      result.append("# Set by the Heron Control Plane.\n");
      replacements.forEach(
          (key, value) -> result.append(key).append(": ").append(quoted(value)).append('\n'));
    }
    return result.toString();
  }

  /** A YAML double-quoted scalar: always a string, whatever the text. */
  static String quoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
