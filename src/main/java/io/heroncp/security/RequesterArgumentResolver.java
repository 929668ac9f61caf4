package io.heroncp.security;

import io.heroncp.topology.Requester;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives controllers a {@link Requester} parameter: the authenticated principal when security is on
 * (anonymous reads get an unprivileged anonymous one), else the open mode's requester named by the
 * {@code user} field.
 */
final class RequesterArgumentResolver implements HandlerMethodArgumentResolver {

  private final boolean enabled;

  RequesterArgumentResolver(boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType().equals(Requester.class);
  }

  @Override
  public Object resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer container,
      NativeWebRequest request,
      WebDataBinderFactory binders) {
    if (!enabled) {
      return Requester.open(request.getParameter("user"));
    }
    Requester requester =
        AuroraRoles.requester(SecurityContextHolder.getContext().getAuthentication());
    return requester != null
        ? requester
        : new Requester(Requester.ANONYMOUS, java.util.Set.of(), false, java.util.Set.of(), true);
  }
}
