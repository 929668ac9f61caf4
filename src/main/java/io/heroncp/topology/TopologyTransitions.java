package io.heroncp.topology;

import io.heroncp.problems.ConflictException;
import io.heroncp.problems.NotFoundException;
import io.heroncp.topology.Operation.Verb;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one transition table of the topology lifecycle: for each {@link Verb}, the states it may
 * start from, the state the topology is in while it runs, and the state it ends in. Stateless and
 * thread-safe.
 *
 * <p>A topology in SUBMITTING, RESTARTING, UPDATING or KILLING has an operation in flight: only
 * KILL is allowed from RESTARTING, UPDATING and KILLING (to end a stuck operation or retry a kill),
 * nothing from SUBMITTING. A FAILED topology can only be killed.
 */
public final class TopologyTransitions {

  /**
   * One row of the table.
   *
   * @param verb the action
   * @param from the states it is allowed from; empty for SUBMIT, which needs that no topology
   *     exists
   * @param inProgress the state while it runs; {@code null} when the state does not change until it
   *     ends
   * @param to the states it ends in when it succeeds
   * @param backToPrevious whether it ends in the state it started from (then {@code to} equals
   *     {@code from})
   * @param endsIn how the end state is chosen, in words, for the rendered table; empty when {@code
   *     to} says it
   */
  public record Transition(
      Verb verb,
      Set<TopologyState> from,
      TopologyState inProgress,
      Set<TopologyState> to,
      boolean backToPrevious,
      String endsIn) {

    public Transition {
      from =
          Collections.unmodifiableSet(
              from.isEmpty() ? EnumSet.noneOf(TopologyState.class) : EnumSet.copyOf(from));
      to = Collections.unmodifiableSet(EnumSet.copyOf(to));
    }
  }

  private static final Map<Verb, Transition> TABLE = new EnumMap<>(Verb.class);

  static {
    add(
        new Transition(
            Verb.SUBMIT,
            Set.of(),
            TopologyState.SUBMITTING,
            Set.of(TopologyState.STARTING),
            false,
            "STARTING, then RUNNING (PAUSED when the definition says the topology starts deactivated) "
                + "once ready"));
    add(
        new Transition(
            Verb.ACTIVATE,
            Set.of(TopologyState.PAUSED),
            null,
            Set.of(TopologyState.RUNNING),
            false,
            ""));
    add(
        new Transition(
            Verb.DEACTIVATE,
            Set.of(TopologyState.RUNNING),
            null,
            Set.of(TopologyState.PAUSED),
            false,
            ""));
    add(
        new Transition(
            Verb.RESTART,
            Set.of(TopologyState.RUNNING, TopologyState.PAUSED),
            TopologyState.RESTARTING,
            Set.of(TopologyState.RUNNING, TopologyState.PAUSED),
            true,
            "RESTARTING, then the state it started from once ready"));
    add(
        new Transition(
            Verb.UPDATE,
            Set.of(TopologyState.RUNNING, TopologyState.PAUSED),
            TopologyState.UPDATING,
            Set.of(TopologyState.RUNNING, TopologyState.PAUSED),
            true,
            "a repack: UPDATING, then the state it started from once ready; runtime config: the state it "
                + "started from"));
    add(
        new Transition(
            Verb.KILL,
            EnumSet.complementOf(EnumSet.of(TopologyState.SUBMITTING, TopologyState.KILLED)),
            TopologyState.KILLING,
            Set.of(TopologyState.KILLED),
            false,
            "KILLED (the record is removed; its operations stay)"));
  }

  /**
   * Verbs a settling topology (STARTING, RESTARTING or UPDATING after its operation ended) may
   * start at once; the others wait until it is ready ({@link TopologyReadiness}).
   */
  private static final Set<Verb> FROM_SETTLING = EnumSet.of(Verb.RESTART, Verb.KILL);

  private TopologyTransitions() {}

  /**
   * Whether {@code verb} needs the topology ready (every task running, the topology manager up): it
   * waits while the topology settles.
   */
  public static boolean needsReady(Verb verb) {
    return !FROM_SETTLING.contains(verb) && verb != Verb.SUBMIT && verb != Verb.FAIL;
  }

  /** The state a verb starts from: a settling topology's {@code settlesTo}, else its state. */
  public static TopologyState base(TopologyRecord record) {
    return record.isSettling() ? record.settlesTo() : record.state();
  }

  /**
   * Throws unless {@code verb} may start on this record (see {@link #check(Verb, TopologyState)});
   * a settling topology may be restarted or killed.
   */
  public static void checkRecord(Verb verb, TopologyRecord record) {
    if (record.isSettling() && FROM_SETTLING.contains(verb)) {
      return;
    }
    check(verb, record.state());
  }

  private static void add(Transition transition) {
    TABLE.put(transition.verb(), transition);
  }

  /** The row of a verb. */
  public static Transition of(Verb verb) {
    return TABLE.get(verb);
  }

  /** Every row, in {@link Verb} order. */
  public static List<Transition> all() {
    return List.copyOf(TABLE.values());
  }

  /**
   * Whether {@code verb} may start while the topology is in {@code current}; {@code current ==
   * null} means no topology exists, from which only SUBMIT is allowed.
   */
  public static boolean allowed(Verb verb, TopologyState current) {
    if (current == null) {
      return verb == Verb.SUBMIT;
    }
    return TABLE.get(verb).from().contains(current);
  }

  /**
   * Throws unless {@code verb} may start while the topology is in {@code current} ({@code null}: no
   * topology).
   *
   * @throws ConflictException (field {@code state}) with the message {@code "<verb> is not allowed
   *     while the topology is <STATE>; allowed from <states>"} and what to do next
   * @throws NotFoundException when {@code current} is null and the verb is not SUBMIT
   */
  public static void check(Verb verb, TopologyState current) {
    if (allowed(verb, current)) {
      return;
    }
    if (current == null) {
      throw new NotFoundException(
          verbName(verb) + " needs an existing topology and there is none; submit it first");
    }
    String message =
        verbName(verb)
            + " is not allowed while the topology is "
            + current
            + "; allowed from "
            + fromText(TABLE.get(verb));
    if (current == TopologyState.FAILED) {
      message += ". A FAILED topology can only be killed";
    } else if (current == TopologyState.STARTING) {
      message += ". The topology is starting: its tasks or its topology manager are not up yet";
    } else if (isInProgress(current)) {
      message +=
          ". Another operation is in progress, or the topology is not ready again yet: retry later";
    } else if (TABLE.get(verb).to().contains(current) && !TABLE.get(verb).backToPrevious()) {
      message += ". The topology is already " + current;
    }
    throw new ConflictException(message, "state");
  }

  /**
   * The state while {@code verb} runs, or {@code null} when the record's state does not change
   * until it ends.
   */
  public static TopologyState inProgress(Verb verb) {
    return TABLE.get(verb).inProgress();
  }

  /**
   * The state a successful {@code verb} started in {@code from} ends in. For SUBMIT ({@code from}
   * is null) this is RUNNING; a submit of a topology that starts deactivated ends PAUSED (see
   * {@link Transition#endsIn}).
   */
  public static TopologyState target(Verb verb, TopologyState from) {
    Transition transition = TABLE.get(verb);
    if (transition.backToPrevious()) {
      return from;
    }
    return verb == Verb.SUBMIT ? TopologyState.RUNNING : transition.to().iterator().next();
  }

  /** Whether a state means that an operation is in flight (some verb's in-progress state). */
  public static boolean isInProgress(TopologyState state) {
    return TABLE.values().stream().anyMatch(t -> t.inProgress() == state);
  }

  /**
   * The table as GitHub Markdown (README's "Topology states" section holds exactly this text
   * between {@code <!-- transitions:start -->} and {@code <!-- transitions:end -->}), ending with a
   * newline.
   */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder();
    out.append("| action | allowed from | while it runs | ends in |\n");
    out.append("| --- | --- | --- | --- |\n");
    for (Transition t : TABLE.values()) {
      if (t.verb() == Verb.FAIL) {
        continue;
      }
      String end = t.endsIn().isEmpty() ? states(t.to()) : t.endsIn();
      out.append("| ")
          .append(verbName(t.verb()))
          .append(" | ")
          .append(fromText(t))
          .append(" | ")
          .append(t.inProgress() == null ? "(unchanged)" : t.inProgress().name())
          .append(" | ")
          .append(end)
          .append(" |\n");
    }
    out.append(
        "| (observed) ready | STARTING, RESTARTING, UPDATING after their operation ended | (unchanged) "
            + "| RUNNING or PAUSED once every Aurora instance has a RUNNING task and `tmanagers/<name>` "
            + "exists |\n");
    out.append(
        "| (observed) job vanished | STARTING, RUNNING, PAUSED, RESTARTING, UPDATING (no operation "
            + "in flight) | (unchanged) | FAILED with a `failure` reason when the Aurora job has no "
            + "active task on two consecutive polls |\n");
    return out.toString();
  }

  private static String fromText(Transition t) {
    if (t.from().isEmpty()) {
      return "no topology of that name in the cluster";
    }
    if (t.verb() == Verb.RESTART) {
      return states(t.from()) + "; STARTING, RESTARTING, UPDATING once their operation ended";
    }
    return states(t.from());
  }

  private static String states(Set<TopologyState> states) {
    return states.stream().map(Enum::name).collect(Collectors.joining(", "));
  }

  private static String verbName(Verb verb) {
    return verb.name().toLowerCase(Locale.ROOT);
  }
}
