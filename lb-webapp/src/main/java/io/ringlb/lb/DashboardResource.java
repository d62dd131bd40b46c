package io.ringlb.lb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /dashboard}: the operator's page, and its stylesheet and script, shipped in the WAR
 * under {@code dashboard/}. Served here rather than by the server's static files, which the API at
 * the root of the application would shadow. The page reads {@code /fleet} and {@code /metrics}
 * and fetches nothing from anywhere else, which its Content-Security-Policy enforces.
 */
@Path("dashboard")
@ApplicationScoped
public class DashboardResource {

  /** The files there are, with their media types: nothing else is served. */
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "dashboard.css", "text/css; charset=utf-8",
      "dashboard.js", "text/javascript; charset=utf-8");

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";

  private final Map<String, byte[]> loaded = new ConcurrentHashMap<>();

  @GET
  @Produces(MediaType.TEXT_HTML)
  @Tag(name = "operating")
  @Operation(summary = "The dashboard: the ring, live rates, latency and health, recent events, and forms for /add and /rm")
  @APIResponse(responseCode = "200", description = "The page", content = @Content(mediaType = MediaType.TEXT_HTML))
  public Response page() {
    return file("index.html");
  }

  @GET
  @Path("{file}")
  @Operation(hidden = true)
  public Response file(@PathParam("file") String name) {
    String type = FILES.get(name);
    if (type == null) {
      throw new NotFoundException();
    }
    return Response.ok(loaded.computeIfAbsent(name, DashboardResource::read), type)
        // a new version of the balancer serves new files at the same names
        .header("Cache-Control", "no-cache")
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .build();
  }

  private static byte[] read(String name) {
    try (InputStream in = DashboardResource.class.getResourceAsStream("/dashboard/" + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard/" + name + " is missing from the WAR");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
