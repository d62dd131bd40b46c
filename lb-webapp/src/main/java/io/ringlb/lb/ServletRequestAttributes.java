package io.ringlb.lb;

import io.ringlb.api.RequestAttributes;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A servlet request seen as what a key extractor may hash. Query parameters are read from the
 * query string alone: the servlet's {@code getParameter} would also consume a form body that
 * belongs to the replica.
 */
record ServletRequestAttributes(HttpServletRequest request, String path, String pathAndQuery, String clientAddress) implements RequestAttributes {

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeader(name));
  }

  @Override
  public Optional<String> queryParameter(String name) {
    String query = request.getQueryString();
    if (query == null) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      if (decoded(equals < 0 ? pair : pair.substring(0, equals)).equals(name)) {
        return Optional.of(equals < 0 ? "" : decoded(pair.substring(equals + 1)));
      }
    }
    return Optional.empty();
  }

  /** A malformed escape such as {@code %zz} is a key like any other, not a reason to fail the request. */
  private static String decoded(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return part;
    }
  }

  @Override
  public Optional<String> cookie(String name) {
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie cookie : cookies) {
        if (cookie.getName().equals(name)) {
          return Optional.of(cookie.getValue());
        }
      }
    }
    return Optional.empty();
  }
}
