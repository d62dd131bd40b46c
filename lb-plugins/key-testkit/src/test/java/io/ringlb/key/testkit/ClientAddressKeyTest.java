package io.ringlb.key.testkit;

import io.ringlb.api.RequestAttributes;
import io.ringlb.core.key.BuiltInKeys;
import io.ringlb.spi.KeyExtractorProvider;

/** The balancer's {@code client-address} keeps the key contract. */
class ClientAddressKeyTest implements KeyExtractorContract {

  @Override
  public KeyExtractorProvider provider() {
    return new BuiltInKeys.ClientAddress();
  }

  @Override
  public String link() {
    return "client-address";
  }

  @Override
  public RequestAttributes requestKeyedBy(String text) {
    return TestRequest.to("/home").from(text);
  }
}
