package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Keys a request by one of its attributes (a header, a query parameter, a cookie), when it has
 * it; a request without it goes on to the chain's next link ({@link ChainKey}).
 *
 * @param description what is looked up, such as {@code header:X-User}, for messages
 */
record AttributeKey(String description, Function<RequestAttributes, Optional<String>> value) implements RequestKeyExtractor {

  @Override
  public long keyOf(RequestAttributes request) {
    return StringKeys.of(value.apply(request).orElseThrow(() -> new IllegalArgumentException("the request has no " + description)));
  }

  @Override
  public Optional<String> keyText(RequestAttributes request) {
    return value.apply(request);
  }

  @Override
  public OptionalLong keyOfText(String text) {
    return OptionalLong.of(StringKeys.of(text));
  }

  @Override
  public String toString() {
    return description;
  }
}
