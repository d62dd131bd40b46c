package io.ringlb.key.testkit;

import io.ringlb.api.RequestAttributes;
import io.ringlb.core.key.BuiltInKeys;
import io.ringlb.spi.KeyExtractorProvider;

/** The balancer's {@code uri} keeps the key contract. */
class UriKeyTest implements KeyExtractorContract {

  @Override
  public KeyExtractorProvider provider() {
    return new BuiltInKeys.Uri();
  }

  @Override
  public String link() {
    return "uri";
  }

  @Override
  public RequestAttributes requestKeyedBy(String text) {
    return TestRequest.to(text);
  }
}
