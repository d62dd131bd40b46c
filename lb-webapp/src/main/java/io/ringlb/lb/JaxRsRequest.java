package io.ringlb.lb;

import io.ringlb.api.RequestAttributes;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;

/** A JAX-RS request seen as what a key extractor may hash. */
record JaxRsRequest(HttpHeaders headers, UriInfo uri, String clientAddress) implements RequestAttributes {

  @Override
  public String path() {
    return uri.getRequestUri().getRawPath();
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.getHeaderString(name));
  }

  @Override
  public Optional<String> queryParameter(String name) {
    return Optional.ofNullable(uri.getQueryParameters().getFirst(name));
  }

  @Override
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(headers.getCookies().get(name)).map(Cookie::getValue);
  }
}
