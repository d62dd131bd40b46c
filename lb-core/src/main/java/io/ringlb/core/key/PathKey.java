package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.util.Optional;
import java.util.OptionalLong;

/** Keys a request by its path, so one path always reaches the same replica. */
record PathKey() implements RequestKeyExtractor {

  @Override
  public long keyOf(RequestAttributes request) {
    return StringKeys.of(request.path());
  }

  @Override
  public Optional<String> keyText(RequestAttributes request) {
    return Optional.of(request.path());
  }

  @Override
  public OptionalLong keyOfText(String text) {
    return OptionalLong.of(StringKeys.of(text));
  }

  @Override
  public String toString() {
    return "path";
  }
}
