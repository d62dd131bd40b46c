package io.ringlb.lb;

import io.ringlb.core.forward.ForwardRequest;
import io.ringlb.core.forward.ForwardedResponse;
import io.ringlb.core.forward.NoReplicaAvailableException;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every path but the API's goes to a replica, straight from the servlet layer and on the
 * request's own thread: it routes, forwards with blocking I/O and writes the answer. Profiling
 * chose this over the first design, a JAX-RS catch-all resource answering asynchronously from
 * a virtual thread: RESTEasy's asynchronous writer and the servlet's {@code AsyncContext} each
 * handed every answer back to Liberty's executor, and those hand-offs were a third of the
 * balancer's CPU. A blocked request thread is what Liberty's executor is sized for; {@code
 * server.xml} says how.
 *
 * <p>A replica's 404 becomes the exercise's 400, {@code '/<path>' endpoint does not exist in
 * server replicas}; every other answer, errors included, is passed through as it came.
 */
@WebFilter(urlPatterns = "/*")
public class ForwardingFilter extends HttpFilter {

  private static final System.Logger LOG = System.getLogger(ForwardingFilter.class.getName());

  /** The API's own paths, served by JAX-RS; a trailing slash names the same resource. */
  private static final Set<String> API = Set.of("/rep", "/rep/", "/add", "/add/", "/rm", "/rm/");

  private static final Jsonb JSON = JsonbBuilder.create();
  private static final byte[] NO_BODY = new byte[0];

  @Inject BalancerLifecycle lifecycle;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
    String path = request.getRequestURI();
    if (API.contains(path)) {
      chain.doFilter(request, response);
      return;
    }
    String query = request.getQueryString();
    String pathAndQuery = query == null ? path : path + "?" + query;
    String client = request.getRemoteAddr();
    ForwardRequest forwarded = new ForwardRequest(request.getMethod(), pathAndQuery, headers(request), body(request), client);
    ForwardedResponse answer;
    try {
      answer = lifecycle.balancer().forward(forwarded, new ServletRequestAttributes(request, path, pathAndQuery, client));
    } catch (RuntimeException failure) {
      fail(failure, response);
      return;
    }
    pass(answer, path, response);
  }

  /** The request's body; most requests have none, and reading none would still allocate a buffer. */
  private static byte[] body(HttpServletRequest request) throws IOException {
    boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    return hasBody ? request.getInputStream().readAllBytes() : NO_BODY;
  }

  private static Map<String, List<String>> headers(HttpServletRequest request) {
    Map<String, List<String>> headers = new HashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return headers;
  }

  private static void pass(ForwardedResponse answer, String path, HttpServletResponse response) throws IOException {
    if (answer.status() == 404) {
      failure(response, HttpServletResponse.SC_BAD_REQUEST, "'" + path + "' endpoint does not exist in server replicas");
      return;
    }
    response.setStatus(answer.status());
    answer.headers().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
    if (answer.body().length > 0) {
      response.setContentLength(answer.body().length);
      response.getOutputStream().write(answer.body());
    }
  }

  private static void fail(RuntimeException cause, HttpServletResponse response) throws IOException {
    if (cause instanceof NoReplicaAvailableException none) {
      failure(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, none.getMessage());
      return;
    }
    LOG.log(Level.ERROR, "Forwarding failed unexpectedly", cause);
    failure(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "Forwarding failed: " + cause);
  }

  private static void failure(HttpServletResponse response, int status, String problem) throws IOException {
    byte[] body = JSON.toJson(Failure.of(problem)).getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
