package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keys a request by one of its attributes (a header, a query parameter, a cookie); a request
 * without it gets the fallback's key.
 *
 * @param description what is looked up, such as {@code header:X-User}, for messages
 */
record AttributeKey(String description, Function<RequestAttributes, Optional<String>> value, RequestKeyExtractor fallback)
    implements RequestKeyExtractor {

  @Override
  public long keyOf(RequestAttributes request) {
    Optional<String> found = value.apply(request);
    return found.isPresent() ? StringKeys.of(found.get()) : fallback.keyOf(request);
  }

  @Override
  public Optional<String> keyText(RequestAttributes request) {
    Optional<String> found = value.apply(request);
    return found.isPresent() ? found : fallback.keyText(request);
  }

  @Override
  public String toString() {
    return description;
  }
}
