package io.ringlb.key.testkit;

import io.ringlb.api.RequestAttributes;
import io.ringlb.core.key.QueryParameters;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request as a key extractor sees it, built in a line: {@code TestRequest.to("/cart?user=7")
 * .header("X-User", "alice").cookie("sid", "s1").from("10.0.0.1")}. Immutable; header names are
 * matched without regard to case, as HTTP's are, and query parameters decoded as the data plane
 * decodes them. Cookies are those given with {@link #cookie}, not parsed from a {@code Cookie}
 * header.
 *
 * @param pathAndQuery the path and, after a {@code ?}, the query string, as a client sends them
 */
public record TestRequest(String pathAndQuery, Map<String, String> headers, Map<String, String> cookies, String clientAddress)
    implements RequestAttributes {

  public TestRequest {
    headers = Map.copyOf(headers);
    cookies = Map.copyOf(cookies);
  }

  /** A request for {@code pathAndQuery} from 127.0.0.1, with no header and no cookie. */
  public static TestRequest to(String pathAndQuery) {
    return new TestRequest(pathAndQuery, Map.of(), Map.of(), "127.0.0.1");
  }

  public TestRequest header(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name.toLowerCase(Locale.ROOT), value);
    return new TestRequest(pathAndQuery, more, cookies, clientAddress);
  }

  public TestRequest cookie(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(cookies);
    more.put(name, value);
    return new TestRequest(pathAndQuery, headers, more, clientAddress);
  }

  public TestRequest from(String address) {
    return new TestRequest(pathAndQuery, headers, cookies, address);
  }

  @Override
  public String path() {
    int question = pathAndQuery.indexOf('?');
    return question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Optional<String> queryParameter(String name) {
    int question = pathAndQuery.indexOf('?');
    return question < 0 ? Optional.empty() : QueryParameters.find(pathAndQuery.substring(question + 1), name);
  }

  @Override
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.get(name));
  }
}
