package io.heroncp.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit line of a request refused before any operation ran: the fields of the operation's own
 * line (principal, roles, remote address, verb, topology key, operation id, outcome), with {@code
 * operation=none}.
 */
public final class RefusedAudit {

  private static final Logger AUDIT = LoggerFactory.getLogger("io.heroncp.audit");
  private static final Pattern TOPOLOGY_PATH =
      Pattern.compile("^/api/v1/topologies/([^/]+)/([^/]+)/([^/]+)/([^/]+)(?:/([^/]+))?/?$");

  private RefusedAudit() {}

  public static void log(
      HttpServletRequest request, String principal, String roles, String outcome, String detail) {
    String method = request.getMethod().toLowerCase(Locale.ROOT);
    String verb = method;
    String topology = "-";
    Matcher path = TOPOLOGY_PATH.matcher(request.getRequestURI());
    if (path.matches()) {
      topology = path.group(1) + "/" + path.group(2) + "/" + path.group(3) + "/" + path.group(4);
      verb = path.group(5) != null ? path.group(5) : method.equals("delete") ? "kill" : method;
    } else if (method.equals("post")
        && request.getRequestURI().replaceAll("/$", "").equals("/api/v1/topologies")) {
      verb = "submit";
      // The form's fields, when the multipart body was already read (a refusal by the controller).
      if (request.getParameter("name") != null) {
        topology =
            part(request, "cluster")
                + "/"
                + part(request, "role")
                + "/"
                + part(request, "environment")
                + "/"
                + part(request, "name");
      }
    }
    AUDIT.info(
        "refused principal={} roles={} remote={} verb={} topology={} operation=none outcome={} path={}{}",
        principal,
        roles,
        request.getRemoteAddr(),
        verb,
        topology,
        outcome,
        request.getRequestURI(),
        detail == null ? "" : " detail=" + detail);
  }

  private static String part(HttpServletRequest request, String field) {
    String value = request.getParameter(field);
    return value == null || value.isBlank() ? "-" : value;
  }
}
