package io.ringlb.key.testkit;

import io.ringlb.api.RequestAttributes;
import io.ringlb.core.key.BuiltInKeys;
import io.ringlb.spi.KeyExtractorProvider;

/** The balancer's {@code path} keeps the key contract: the query is not part of the key. */
class PathKeyTest implements KeyExtractorContract {

  @Override
  public KeyExtractorProvider provider() {
    return new BuiltInKeys.Path();
  }

  @Override
  public String link() {
    return "path";
  }

  @Override
  public RequestAttributes requestKeyedBy(String text) {
    return TestRequest.to(text + "?page=2");
  }
}
