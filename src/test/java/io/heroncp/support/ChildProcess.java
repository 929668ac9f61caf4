package io.heroncp.support;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A JVM started by the suite, output appended to a log file, with the signals the faults need:
 * {@code kill -9} ({@link #kill9()}), {@code SIGSTOP}/{@code SIGCONT} ({@link #pause()}, {@link
 * #resume()}). Start it again with the same command after a kill.
 */
public final class ChildProcess implements AutoCloseable {

  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;

  public ChildProcess(String name, List<String> command, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
  }

  /** The java launcher of this JVM. */
  public static String launcher() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The java launcher of this JVM, with flags that favour a fast start over peak speed. */
  public static List<String> java(String... args) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                launcher(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-Djava.net.preferIPv4Stack=true"));
    command.addAll(List.of(args));
    return command;
  }

  public synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running already");
    }
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  /** Waits until something accepts connections on 127.0.0.1:{@code port}; fails if this exits. */
  public void awaitListening(int port, Duration timeout) {
    Awaitility.await(name + " listening on " + port)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(ConnectException.class)
        .until(
            () -> {
              if (!alive()) {
                throw new IllegalStateException(name + " exited; see " + log);
              }
              try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
              }
            });
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  /** SIGKILL (Java's destroyForcibly on Unix), and waits until the process is gone. */
  public void kill9() throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " survived kill -9");
    }
  }

  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + name + " failed");
    }
  }

  @Override
  public void close() {
    Process p = process;
    if (p != null && p.isAlive()) {
      try {
        resume(); // a paused process does not act on SIGTERM
      } catch (Exception e) {
        // gone meanwhile
      }
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
