package io.heroncp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestPathMarkerTest {

  @Test
  void aThreadIsOnTheRequestPathOnlyWhileItServesARequest() throws Exception {
    AtomicBoolean whileServing = new AtomicBoolean();

    new RequestPathMarker()
        .doFilter(
            new MockHttpServletRequest("POST", "/api/v1/topologies"),
            new MockHttpServletResponse(),
            (request, response) -> whileServing.set(RequestPathMarker.onRequestPath()));

    assertThat(whileServing).isTrue();
    assertThat(RequestPathMarker.onRequestPath()).isFalse();
  }
}
