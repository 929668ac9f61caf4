package io.heroncp.metrics;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Marks the thread serving an HTTP request for as long as it does, so the ZooKeeper operations made
 * on it are tagged {@code context=request}: what a client waits for. Store calls of background
 * threads (the status watcher's state changes, the leader's scans) are background, even though they
 * run within a store call's time budget as request threads do.
 */
final class RequestPathMarker extends OncePerRequestFilter {

  private static final ThreadLocal<Boolean> SERVING = new ThreadLocal<>();

  /** Whether this thread is serving an HTTP request now. */
  static boolean onRequestPath() {
    return SERVING.get() != null;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Boolean outer = SERVING.get();
    SERVING.set(Boolean.TRUE);
    try {
      chain.doFilter(request, response);
    } finally {
      if (outer == null) {
        SERVING.remove();
      }
    }
  }
}
