package io.heroncp.support;

import io.heroncp.topology.OperationHooks;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The crash seam of the end-to-end tests, in the one application context they share (one context
 * means one Aurora simulator announced in the shared ZooKeeper): an operation VERB on a topology
 * named {@code Crash<Verb>} (e.g. {@code CrashRestart}) stops right after its intent is recorded,
 * as a dying replica would. No other topology is affected.
 */
@TestConfiguration
public class CrashPoints {

  /** Stands for the process dying: nothing below it runs, no catch block cleans up. */
  public static final class SimulatedCrash extends Error {
    SimulatedCrash(String message) {
      super(message);
    }
  }

  @Bean
  OperationHooks crashingHooks() {
    return operation -> {
      String verb = operation.verb().name();
      if (operation
          .key()
          .name()
          .equals("Crash" + verb.charAt(0) + verb.substring(1).toLowerCase())) {
        throw new SimulatedCrash("crash after the intent of " + operation.id() + " was recorded");
      }
    };
  }
}
