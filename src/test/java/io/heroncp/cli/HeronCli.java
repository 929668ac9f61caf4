package io.heroncp.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code src/main/cli/heron-cli} script as a process ({@code sh heron-cli ...}, or
 * another shell) with a controlled environment, and captures its exit code, stdout and stderr.
 * Immutable; each {@code with...} returns a copy. Thread-safe.
 */
final class HeronCli {

  static final Path SCRIPT =
      Path.of(System.getProperty("basedir", "."), "src", "main", "cli", "heron-cli");

  /** What one run of the script did. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private final String shell;
  private final Map<String, String> environment;
  private final String stdin;

  private HeronCli(String shell, Map<String, String> environment, String stdin) {
    this.shell = shell;
    this.environment = environment;
    this.stdin = stdin;
  }

  /** The script run by {@code sh} against {@code serviceUrl}, with {@code USER=alice}. */
  static HeronCli against(String serviceUrl) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HERON_SERVICE_URL", serviceUrl);
    env.put("USER", "alice");
    return new HeronCli("sh", env, null);
  }

  HeronCli withEnv(String name, String value) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put(name, value);
    return new HeronCli(shell, env, stdin);
  }

  HeronCli withShell(String newShell) {
    return new HeronCli(newShell, environment, stdin);
  }

  HeronCli withStdin(String input) {
    return new HeronCli(shell, environment, input);
  }

  /** heron-api's jar from this JVM's classpath; the example topology jar does not bundle it. */
  static String heronApiJar() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> Path.of(entry).getFileName().toString().startsWith("heron-api"))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("heron-api is not on the test classpath"));
  }

  /** Whether {@code program} is on the PATH. */
  static boolean installed(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
  }

  /** A run that goes on until stopped (e.g. {@code describe --watch}): its output so far. */
  static final class Running {
    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();

    private final List<Thread> pumps = new ArrayList<>();

    private Running(Process process) {
      this.process = process;
      pumps.add(pump(process.getInputStream(), stdout));
      pumps.add(pump(process.getErrorStream(), stderr));
    }

    String stdout() {
      return stdout.toString();
    }

    boolean alive() {
      return process.isAlive();
    }

    /** Waits for the script to end by itself. */
    Result await(long seconds) {
      try {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("heron-cli did not end; output:\n" + stdout);
        }
        return result();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Sends SIGTERM (as an interrupt would end it) and waits for the script to end. */
    Result stop() {
      process.destroy();
      return await(30);
    }

    private Result result() throws InterruptedException {
      for (Thread pump : pumps) {
        pump.join(10_000); // they end at EOF, right after the process
      }
      return new Result(process.exitValue(), stdout.toString(), stderr.toString());
    }

    private static Thread pump(java.io.InputStream in, StringBuffer into) {
      Thread thread =
          new Thread(
              () -> {
                byte[] buffer = new byte[4096];
                try {
                  for (int n; (n = in.read(buffer)) >= 0; ) {
                    into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "heron-cli-output");
      thread.setDaemon(true);
      thread.start();
      return thread;
    }
  }

  /** Starts the script and returns at once. */
  Running start(String... args) {
    try {
      Process process = builder(args).start();
      process.getOutputStream().close();
      return new Running(process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>(Arrays.asList(shell.split(" ")));
    command.add(SCRIPT.toString());
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // A clean environment: only what the script may legitimately read, so the host's settings
    // cannot leak in.
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("HERON_") || k.equals("USER"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.putAll(environment);
    return builder;
  }

  Result run(String... args) {
    ProcessBuilder builder = builder(args);
    try {
      Process process = builder.start();
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("heron-cli " + String.join(" ", args) + " did not finish");
      }
      return new Result(
          process.exitValue(),
          new String(out.join(), StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static byte[] readAll(java.io.InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
