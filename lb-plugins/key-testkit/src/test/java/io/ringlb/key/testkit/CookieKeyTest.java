package io.ringlb.key.testkit;

import io.ringlb.api.RequestAttributes;
import io.ringlb.core.key.BuiltInKeys;
import io.ringlb.spi.KeyExtractorProvider;
import java.util.List;

/** The balancer's {@code cookie:<name>} keeps the key contract. */
class CookieKeyTest implements KeyExtractorContract {

  @Override
  public KeyExtractorProvider provider() {
    return new BuiltInKeys.Cookie();
  }

  @Override
  public String link() {
    return "cookie:sid";
  }

  @Override
  public RequestAttributes requestKeyedBy(String text) {
    return TestRequest.to("/home").cookie("theme", "dark").cookie("sid", text);
  }

  @Override
  public List<RequestAttributes> requestsWithoutKey() {
    return List.of(TestRequest.to("/home"), TestRequest.to("/home?sid=alice").header("sid", "bob").cookie("SID", "carol"));
  }
}
