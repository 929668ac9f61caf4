package io.heroncp.topology;

import io.heroncp.problems.ForbiddenException;
import io.heroncp.problems.InvalidFieldException;
import java.util.Set;

/**
 * Who asks for an operation and which Aurora roles they may act as: the authenticated principal when security
 * is on. {@link #open(String)} is the open local mode's requester: it may do everything.
 *
 * @param name the principal, recorded as the operation's requester and the Aurora job's owner
 * @param roles the Aurora roles this principal may act as
 * @param admin whether it may act as every role (role {@code *}) and for other users
 * @param clusters the clusters it may act in; empty = all
 * @param authenticated false in the open mode (no credentials are checked)
 */
public record Requester(String name, Set<String> roles, boolean admin, Set<String> clusters, boolean authenticated) {

  public static final String ANONYMOUS = "anonymous";

  public Requester {
    roles = Set.copyOf(roles);
    clusters = Set.copyOf(clusters);
  }

  /** The open mode's requester: nobody is checked, so it may do everything; named by the {@code user} field. */
  public static Requester open(String user) {
    return new Requester(user == null || user.isBlank() ? ANONYMOUS : user, Set.of(), true, Set.of(), false);
  }

  public boolean mayActAs(String cluster, String role) {
    boolean clusterAllowed = clusters.isEmpty() || clusters.contains(cluster);
    return clusterAllowed && (admin || roles.contains(role));
  }

  /** Throws 403 unless this requester may {@code verb} a topology of {@code role} in {@code cluster}. */
  public void requireMayActAs(String cluster, String role, String verb) {
    if (!mayActAs(cluster, role)) {
      throw new ForbiddenException(name + " may not " + verb + " topologies of role '" + role + "' in cluster '"
          + cluster + "'; its roles are " + (admin ? "[*]" : roles.stream().sorted().toList())
          + (clusters.isEmpty() ? "" : " in clusters " + clusters.stream().sorted().toList()));
    }
  }

  /**
   * The user a submit runs as (the Aurora job's owner): the {@code user} form field when it names this principal
   * or the principal is admin (acting for someone), else this principal; any other {@code user} is 403.
   */
  public String submitUser(String userField, String verb) {
    if (!authenticated) {
      return userField;
    }
    if (userField == null || userField.isBlank() || userField.equals(name)) {
      return name;
    }
    if (admin) {
      return userField;
    }
    throw new ForbiddenException(name + " may not " + verb + " as user '" + userField
        + "': only an admin (role *) acts for another user; leave the user field out or set it to " + name, "user");
  }

  /**
   * The submit's Aurora job owner ({@link #submitUser}); 422 on field {@code user} when that is this principal and
   * it is no Aurora identifier (a JWT {@code sub} that is an email address), before anything is written.
   */
  public String jobOwner(String userField) {
    String user = submitUser(userField, "submit");
    if (authenticated && user.equals(name) && !TopologyLifecycle.IDENTIFIER.matcher(user).matches()) {
      throw new InvalidFieldException("user: the principal '" + name + "' becomes the Aurora job's owner but is not "
          + "an Aurora identifier (it must match " + TopologyLifecycle.IDENTIFIER.pattern() + "); name principals by "
          + "a claim that is one (heroncp.security.jwt.principal-claim, e.g. preferred_username)", "user");
    }
    return user;
  }
}
