package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;

/** Keys a request by the client's address, so one client sticks to one replica. */
record ClientAddressKey() implements RequestKeyExtractor {

  @Override
  public long keyOf(RequestAttributes request) {
    return StringKeys.of(request.clientAddress());
  }
}
