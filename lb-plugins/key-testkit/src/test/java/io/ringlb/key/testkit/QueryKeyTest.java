package io.ringlb.key.testkit;

import io.ringlb.api.RequestAttributes;
import io.ringlb.core.key.BuiltInKeys;
import io.ringlb.spi.KeyExtractorProvider;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The balancer's {@code query:<name>} keeps the key contract, its value decoded. */
class QueryKeyTest implements KeyExtractorContract {

  @Override
  public KeyExtractorProvider provider() {
    return new BuiltInKeys.Query();
  }

  @Override
  public String link() {
    return "query:user";
  }

  @Override
  public RequestAttributes requestKeyedBy(String text) {
    return TestRequest.to("/home?page=2&user=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
  }

  @Override
  public List<RequestAttributes> requestsWithoutKey() {
    return List.of(TestRequest.to("/home"), TestRequest.to("/home?users=alice&User=bob").header("user", "carol"));
  }
}
