package io.heroncp.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PKCS12 key and trust stores made by the JDK's own {@code keytool}, run as a process, for TLS
 * tests. Each identity is a self-signed RSA certificate for 127.0.0.1 and localhost; a trust store
 * holds the certificates it trusts.
 */
public final class KeyStores {

  public static final String TYPE = "PKCS12";

  private final Path directory;
  private final String password;

  public KeyStores(Path directory, String password) {
    this.directory = directory;
    this.password = password;
  }

  /**
   * A key store {@code <name>.p12} with one key pair (alias {@code name}); its certificate in
   * {@code <name>.crt}.
   */
  public Path identity(String name) {
    Path store = directory.resolve(name + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1,OU=" + name,
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype",
        TYPE,
        "-keystore",
        store.toString(),
        "-storepass",
        password,
        "-keypass",
        password);
    keytool(
        "-exportcert",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        password,
        "-file",
        directory.resolve(name + ".crt").toString());
    return store;
  }

  /** A trust store {@code <name>.p12} holding the certificates of the given identities. */
  public Path trustStore(String name, String... trusted) {
    Path store = directory.resolve(name + ".p12");
    for (String identity : trusted) {
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          identity,
          "-file",
          directory.resolve(identity + ".crt").toString(),
          "-storetype",
          TYPE,
          "-keystore",
          store.toString(),
          "-storepass",
          password);
    }
    return store;
  }

  public String password() {
    return password;
  }

  private static void keytool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool did not finish: " + command);
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
