package io.heroncp.support;

import io.heroncp.simulator.SimulatedCorePackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Package files the simulated agent can fetch, for tests that run jobs without the service's
 * package store: the simulator's core archive written to {@code dir/fileName} (a valid .tar.gz is
 * all the agent checks).
 */
public final class PackageFiles {

  private PackageFiles() {}

  public static URI fetchable(Path dir, String fileName) {
    Path file = dir.resolve(fileName);
    try {
      Files.write(file, SimulatedCorePackage.get().bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toUri();
  }
}
