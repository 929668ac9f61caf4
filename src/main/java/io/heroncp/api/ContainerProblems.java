package io.heroncp.api;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors Tomcat answers itself, before any servlet runs (a malformed request line or URL, headers
 * too large, TRACE), are written as {@code application/problem+json} too, in the same format as
 * {@link ProblemErrorController}'s: Tomcat's host gets {@link ProblemReportValve} in place of its
 * HTML error report.
 */
@Component
class ContainerProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addContextCustomizers(
        context -> {
          Host host = (Host) context.getParent();
          if (host instanceof StandardHost standard) {
            standard.setErrorReportValveClass(ProblemReportValve.class.getName());
          }
        });
  }

  /** Tomcat's error report, as problem+json. */
  public static class ProblemReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ProblemReportValve() {
      setShowReport(false);
      setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = ProblemErrorController.clientStatus(response.getStatus());
      response.setStatus(status);
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      String path = null;
      try {
        path = request.getDecodedRequestURI();
      } catch (RuntimeException unparsable) {
        // the URI itself was refused
      }
      try {
        ProblemDetail problem = ProblemErrorController.problem(status, path);
        // The same members, in the same order, as Spring writes a ProblemDetail.
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
          members.put("instance", problem.getInstance().toString());
        }
        members.put("status", problem.getStatus());
        members.put("title", problem.getTitle());
        members.put("type", problem.getType().toString());
        if (problem.getProperties() != null) {
          members.putAll(problem.getProperties());
        }
        byte[] body = JSON.writeValueAsBytes(members);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        Writer writer = response.getReporter();
        if (writer != null) {
          writer.write(new String(body, StandardCharsets.UTF_8));
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // the client is gone or the response was committed meanwhile
      }
    }
  }
}
