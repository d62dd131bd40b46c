package io.ringlb.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeyExtractorsTest {

  private record Request(String pathAndQuery, Map<String, String> headers, Map<String, String> query,
      Map<String, String> cookies, String clientAddress) implements RequestAttributes {
    static Request of(String pathAndQuery, String client) {
      return new Request(pathAndQuery, Map.of(), Map.of(), Map.of(), client);
    }
    @Override public String path() { return pathAndQuery.split("\\?", 2)[0]; }
    @Override public Optional<String> header(String name) { return Optional.ofNullable(headers.get(name)); }
    @Override public Optional<String> queryParameter(String name) { return Optional.ofNullable(query.get(name)); }
    @Override public Optional<String> cookie(String name) { return Optional.ofNullable(cookies.get(name)); }
  }

  private final Request alice =
      new Request("/home", Map.of("X-User", "alice"), Map.of("user", "alice"), Map.of("sid", "alice"), "10.0.0.1");
  private final Request bob =
      new Request("/home", Map.of("X-User", "bob"), Map.of("user", "bob"), Map.of("sid", "bob"), "10.0.0.2");

  @Test
  void randomIdIsTheExercisesSixDigitId() {
    RequestKeyExtractor randomId = KeyExtractors.parse("random-id", new SplittableRandom(7));

    IntStream.range(0, 10_000).mapToLong(i -> randomId.keyOf(alice)).forEach(key -> assertThat(key).isBetween(100_000L, 999_999L));
    assertThat(IntStream.range(0, 100).mapToLong(i -> randomId.keyOf(alice)).distinct().count()).isGreaterThan(90);
  }

  @Test
  void samePathSameKeyOtherPathOtherKey() {
    RequestKeyExtractor path = KeyExtractors.parse("path");

    assertThat(path.keyOf(Request.of("/a/b", "x"))).isEqualTo(path.keyOf(Request.of("/a/b", "y")));
    assertThat(path.keyOf(Request.of("/a/b?k=1", "x"))).isEqualTo(path.keyOf(Request.of("/a/b?k=2", "x")));
    assertThat(path.keyOf(Request.of("/a/b", "x"))).isNotEqualTo(path.keyOf(Request.of("/a/c", "x")));
  }

  @Test
  void uriKeysByPathAndQueryAsNginxRequestUri() {
    RequestKeyExtractor uri = KeyExtractors.parse("uri");

    assertThat(uri.keyOf(Request.of("/a?k=1", "x"))).isEqualTo(uri.keyOf(Request.of("/a?k=1", "y")));
    assertThat(uri.keyOf(Request.of("/a?k=1", "x"))).isNotEqualTo(uri.keyOf(Request.of("/a?k=2", "x")));
    assertThat(uri.keyOf(Request.of("/a", "x"))).isNotEqualTo(uri.keyOf(Request.of("/b", "x")));
  }

  @Test
  void headerQueryCookieAndClientAddressKeyByTheirValue() {
    for (String spec : new String[] {"header:X-User", "query:user", "cookie:sid", "client-address"}) {
      RequestKeyExtractor extractor = KeyExtractors.parse(spec);

      assertThat(extractor.keyOf(alice)).as(spec).isEqualTo(extractor.keyOf(alice)).isNotEqualTo(extractor.keyOf(bob));
    }
    assertThat(KeyExtractors.parse("header:X-User").keyOf(alice)).isEqualTo(KeyExtractors.parse("cookie:sid").keyOf(alice));
  }

  @Test
  void aRequestWithoutTheValueGetsARandomId() {
    RequestKeyExtractor header = KeyExtractors.parse("header:X-Tenant", new SplittableRandom(1));

    assertThat(header.keyOf(alice)).isBetween(100_000L, 999_999L);
  }

  @Test
  void refusesWhatItCannotParseNamingTheKeyAndTheAcceptedForms() {
    assertThatThrownBy(() -> KeyExtractors.parse("url"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.key: 'url' is not accepted (accepted: random-id, path, uri, header:<name>, query:<name>, cookie:<name>, client-address,"
            + " or a chain of them separated by commas)");
    assertThatThrownBy(() -> KeyExtractors.parse("header:")).hasMessage("lb.key: 'header' needs a name, as in 'header:<name>'");
    assertThatThrownBy(() -> KeyExtractors.parse("path:/x")).hasMessageStartingWith("lb.key: 'path' takes no ':<name>'");
  }

  @Test
  void aChainKeysByTheFirstLinkTheRequestHas() {
    RequestKeyExtractor chain = KeyExtractors.parse("header:X-User, cookie:sid ,client-address");
    Request cookieOnly = new Request("/home", Map.of(), Map.of(), Map.of("sid", "carol"), "10.0.0.3");
    Request addressOnly = Request.of("/home", "10.0.0.4");

    assertThat(chain.keyOf(alice)).isEqualTo(KeyExtractors.parse("header:X-User").keyOf(alice));
    assertThat(chain.keyOf(cookieOnly)).isEqualTo(KeyExtractors.parse("cookie:sid").keyOf(cookieOnly));
    assertThat(chain.keyOf(addressOnly)).isEqualTo(KeyExtractors.parse("client-address").keyOf(addressOnly));
  }

  @Test
  void aRequestThatHasNoLinkOfAChainOfAttributesGetsARandomId() {
    RequestKeyExtractor chain = KeyExtractors.parse("header:X-Tenant,query:tenant", new SplittableRandom(3));
    Request none = Request.of("/home", "10.0.0.1");

    assertThat(IntStream.range(0, 100).mapToLong(i -> chain.keyOf(none))).allSatisfy(key -> assertThat(key).isBetween(100_000L, 999_999L));
    assertThat(IntStream.range(0, 100).mapToLong(i -> chain.keyOf(none)).distinct().count()).isGreaterThan(90);
  }

  @Test
  void refusesAChainWithAnEmptyLinkOrALinkThatCouldNeverBeUsed() {
    assertThatThrownBy(() -> KeyExtractors.parse("header:X-User,,client-address"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("lb.key: 'header:X-User,,client-address' has an empty link in its chain");
    assertThatThrownBy(() -> KeyExtractors.parse("header:X-User,client-address,cookie:sid"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.key: 'client-address' gives every request a key, so 'cookie:sid' after it in 'header:X-User,client-address,cookie:sid'"
            + " would never be used; only a chain's last link may be one");
    assertThatThrownBy(() -> KeyExtractors.parse("header:X-User,urn")).hasMessageStartingWith("lb.key: 'urn' is not accepted");
  }
}
