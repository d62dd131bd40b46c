package io.ringlb.lb;

import io.ringlb.core.fleet.Names;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;

/**
 * A call that changes the fleet ({@link ChangesFleet}) from a page of another site is refused
 * with a 403 before its body is read. {@code /add} and {@code /rm} take any content type, since
 * the exercise's clients send JSON without saying so; that also lets any page a browser shows
 * post to them without asking first (a cross-site request forgery), and the balancer's admin
 * port is on the operator's own machine, where that browser runs. A browser names the page's
 * origin in {@code Origin}; curl and the exercise's clients send none, and the dashboard's
 * origin is the balancer's own, so they pass.
 */
@Provider
@ChangesFleet
@Priority(Priorities.AUTHENTICATION - 100)
public class SameOriginFilter implements ContainerRequestFilter {

  @Override
  public void filter(ContainerRequestContext request) {
    String origin = request.getHeaderString("Origin");
    if (origin == null || sameOrigin(origin, request.getHeaderString(HttpHeaders.HOST))) {
      return;
    }
    request.abortWith(Response.status(Response.Status.FORBIDDEN)
        .type(MediaType.APPLICATION_JSON)
        .entity(Failure.of("A page from " + Names.cut(origin) + " may not change the fleet: /add and /rm take calls from the balancer's own"
            + " pages and from clients that send no Origin; nothing was changed"))
        .build());
  }

  /** Whether {@code origin} (scheme, host and port) names the server the request was sent to ({@code Host}). */
  static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    try {
      URI page = URI.create(origin.strip());
      if (page.getHost() == null || page.getRawPath() != null && !page.getRawPath().isEmpty()) {
        return false; // "null" from a sandboxed page, or not an origin at all
      }
      int defaultPort = "https".equalsIgnoreCase(page.getScheme()) ? 443 : 80;
      String authority = page.getHost() + ":" + (page.getPort() < 0 ? defaultPort : page.getPort());
      String target = host.strip().contains(":") && !host.strip().endsWith("]") ? host.strip() : host.strip() + ":" + defaultPort;
      return authority.equalsIgnoreCase(target);
    } catch (IllegalArgumentException notAUri) {
      return false;
    }
  }
}
