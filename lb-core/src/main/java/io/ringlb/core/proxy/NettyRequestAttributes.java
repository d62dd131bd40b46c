package io.ringlb.core.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.ringlb.api.RequestAttributes;
import io.ringlb.core.key.QueryParameters;
import java.util.Optional;

/** A request's head seen as what a key extractor may hash; each part is looked up only when asked for. */
record NettyRequestAttributes(HttpRequest request, String path, String pathAndQuery, String clientAddress) implements RequestAttributes {

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(request.headers().get(name));
  }

  @Override
  public Optional<String> queryParameter(String name) {
    int question = pathAndQuery.indexOf('?');
    return question < 0 ? Optional.empty() : QueryParameters.find(pathAndQuery.substring(question + 1), name);
  }

  @Override
  public Optional<String> cookie(String name) {
    for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
      for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
        if (cookie.name().equals(name)) {
          return Optional.of(cookie.value());
        }
      }
    }
    return Optional.empty();
  }
}
