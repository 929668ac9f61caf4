package io.heroncp.topology;

import io.heroncp.problems.ForbiddenException;
import java.util.Set;

/**
 * Who asks for an operation and which Aurora roles they may act as: the authenticated principal
 * when security is on. {@link #open(String)} is the open local mode's requester: it may do
 * everything.
 *
 * @param name the principal, recorded as the operation's requester and the Aurora job's owner
 * @param roles the Aurora roles this principal may act as
 * @param admin whether it may act as every role (role {@code *}) and for other users
 * @param clusters the clusters it may act in; empty = all
 * @param authenticated false in the open mode (no credentials are checked)
 */
public record Requester(
    String name, Set<String> roles, boolean admin, Set<String> clusters, boolean authenticated) {

  /**
   * Appended to the scheduler's refusal of a submit's user: with security on, that user is the
   * principal.
   */
  public static final String PRINCIPAL_CLAIM_HINT =
      "; with security on the user is the principal: name principals by"
          + " a claim that is an identifier (heroncp.security.jwt.principal-claim, e.g. preferred_username)";

  public static final String ANONYMOUS = "anonymous";

  public Requester {
    roles = Set.copyOf(roles);
    clusters = Set.copyOf(clusters);
  }

  /**
   * The open mode's requester: nobody is checked, so it may do everything; named by the {@code
   * user} field.
   */
  public static Requester open(String user) {
    return new Requester(
        user == null || user.isBlank() ? ANONYMOUS : user, Set.of(), true, Set.of(), false);
  }

  public boolean mayActAs(String cluster, String role) {
    boolean clusterAllowed = clusters.isEmpty() || clusters.contains(cluster);
    return clusterAllowed && (admin || roles.contains(role));
  }

  /**
   * Throws 403 unless this requester may {@code verb} a topology of {@code role} in {@code
   * cluster}.
   */
  public void requireMayActAs(String cluster, String role, String verb) {
    if (!mayActAs(cluster, role)) {
      throw new ForbiddenException(
          name
              + " may not "
              + verb
              + " topologies of role '"
              + role
              + "' in cluster '"
              + cluster
              + "'; its roles are "
              + (admin ? "[*]" : roles.stream().sorted().toList())
              + (clusters.isEmpty() ? "" : " in clusters " + clusters.stream().sorted().toList()));
    }
  }

  /**
   * The user a submit runs as (the Aurora job's owner): the {@code user} form field when it names
   * this principal or the principal is admin (acting for someone), else this principal; any other
   * {@code user} is 403.
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
    throw new ForbiddenException(
        name
            + " may not "
            + verb
            + " as user '"
            + userField
            + "': only an admin (role *) acts for another user; leave the user field out or set it to "
            + name,
        "user");
  }

  /**
   * The submit's Aurora job owner ({@link #submitUser}). The scheduler checks it is an identifier
   * before anything is written (a JWT {@code sub} that is an email address is not: see {@link
   * #PRINCIPAL_CLAIM_HINT}).
   */
  public String jobOwner(String userField) {
    return submitUser(userField, "submit");
  }
}
