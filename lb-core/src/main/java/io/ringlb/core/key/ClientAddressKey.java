package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.util.Optional;
import java.util.OptionalLong;

/** Keys a request by the client's address, so one client sticks to one replica. */
record ClientAddressKey() implements RequestKeyExtractor {

  @Override
  public long keyOf(RequestAttributes request) {
    return StringKeys.of(request.clientAddress());
  }

  @Override
  public Optional<String> keyText(RequestAttributes request) {
    return Optional.ofNullable(request.clientAddress()); // a lookup may not say where the request comes from
  }

  @Override
  public OptionalLong keyOfText(String text) {
    return OptionalLong.of(StringKeys.of(text));
  }

  @Override
  public String toString() {
    return "client-address";
  }
}
