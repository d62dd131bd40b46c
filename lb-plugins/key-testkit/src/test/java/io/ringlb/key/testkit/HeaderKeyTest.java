package io.ringlb.key.testkit;

import io.ringlb.api.RequestAttributes;
import io.ringlb.core.key.BuiltInKeys;
import io.ringlb.spi.KeyExtractorProvider;
import java.util.List;

/** The balancer's {@code header:<name>} keeps the key contract, its header found in any case. */
class HeaderKeyTest implements KeyExtractorContract {

  @Override
  public KeyExtractorProvider provider() {
    return new BuiltInKeys.Header();
  }

  @Override
  public String link() {
    return "header:X-User";
  }

  @Override
  public RequestAttributes requestKeyedBy(String text) {
    return TestRequest.to("/home").header("x-user", text);
  }

  @Override
  public List<RequestAttributes> requestsWithoutKey() {
    return List.of(TestRequest.to("/home"), TestRequest.to("/home?X-User=alice").header("X-Users", "bob").cookie("X-User", "carol"));
  }
}
