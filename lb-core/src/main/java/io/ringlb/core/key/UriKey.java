package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.util.Optional;
import java.util.OptionalLong;

/** Keys a request by its path and query string, so {@code /home?user=7} always reaches one replica. */
record UriKey() implements RequestKeyExtractor {

  @Override
  public long keyOf(RequestAttributes request) {
    return StringKeys.of(request.pathAndQuery());
  }

  @Override
  public Optional<String> keyText(RequestAttributes request) {
    return Optional.of(request.pathAndQuery());
  }

  @Override
  public OptionalLong keyOfText(String text) {
    return OptionalLong.of(StringKeys.of(text));
  }

  @Override
  public String toString() {
    return "uri";
  }
}
