package io.heroncp.security;

import org.springframework.security.authorization.AuthorizationDecision;

/**
 * A decision on a topology mutation, with the 403 detail naming the principal, the role and the
 * verb.
 */
final class RoleDecision extends AuthorizationDecision {

  private final String message;

  RoleDecision(boolean granted, String message) {
    super(granted);
    this.message = message;
  }

  String message() {
    return message;
  }
}
