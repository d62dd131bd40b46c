package io.ringlb.api;

import java.util.Optional;

/** The parts of an incoming request that a {@link RequestKeyExtractor} may hash. */
public interface RequestAttributes {

  /** The request path, starting with {@code /}. */
  String path();

  /**
   * The path and, after a {@code ?}, the query string, both as the client sent them: what
   * nginx calls {@code $request_uri}.
   */
  String pathAndQuery();

  Optional<String> header(String name);

  Optional<String> queryParameter(String name);

  Optional<String> cookie(String name);

  /**
   * The address of the client that sent the request to the balancer; {@code null} only when a
   * lookup describes a request without saying where it comes from.
   */
  String clientAddress();
}
