package io.ringlb.lb;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * With {@code lb.admin.token} set, a call that changes the fleet ({@link ChangesFleet}) must carry
 * {@code Authorization: Bearer <token>}; otherwise it is answered 401 in the API's JSON shape
 * before its body is read, so nothing changes. Both ports are guarded: the data port passes
 * {@code /add} and {@code /rm} here with their headers. The token is compared by its SHA-256
 * digest, in time that depends on neither its content nor its length.
 */
@Provider
@ChangesFleet
@Priority(Priorities.AUTHENTICATION)
public class AdminTokenFilter implements ContainerRequestFilter {

  /** The property that sets the token. */
  public static final String TOKEN = "lb.admin.token";

  private static final String BEARER = "Bearer ";

  /** The token's digest, or null when no token is set and the calls are open. */
  private final byte[] expected;

  /** Reads the token from MicroProfile Config once, whoever creates the filter: JAX-RS or CDI. */
  public AdminTokenFilter() {
    this(ConfigProvider.getConfig().getOptionalValue(TOKEN, String.class));
  }

  AdminTokenFilter(Optional<String> token) {
    this.expected = token.map(String::strip).filter(value -> !value.isEmpty()).map(AdminTokenFilter::digest).orElse(null);
  }

  @Override
  public void filter(ContainerRequestContext request) {
    refusal(request.getHeaderString(HttpHeaders.AUTHORIZATION)).ifPresent(problem -> request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ringlb\"")
        .type(MediaType.APPLICATION_JSON)
        .entity(Failure.of(problem))
        .build()));
  }

  /** Why a call with this {@code Authorization} header (null for none) may not change the fleet; empty when it may. */
  Optional<String> refusal(String authorization) {
    if (expected == null) {
      return Optional.empty();
    }
    boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
    if (bearer && MessageDigest.isEqual(expected, digest(authorization.substring(BEARER.length()).strip()))) {
      return Optional.empty();
    }
    return Optional.of((bearer ? "The bearer token is not the admin token"
        : "This call changes the fleet and needs 'Authorization: Bearer <token>' with the balancer's " + TOKEN) + "; nothing was changed");
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
