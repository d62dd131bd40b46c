package io.ringlb.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
    RequestKeyExtractor randomId = KeyExtractors.parse("random-id");

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
    RequestKeyExtractor header = KeyExtractors.parse("header:X-Tenant");

    assertThat(header.keyOf(alice)).isBetween(100_000L, 999_999L);
  }

  @Test
  void refusesWhatItCannotParseNamingTheKeyAndTheAcceptedForms() {
    assertThatThrownBy(() -> KeyExtractors.parse("url"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.key: 'url' is not accepted (available: client-address, cookie:<name>, header:<name>, path, query:<name>, random-id, uri,"
            + " or a chain of them separated by commas)");
    assertThatThrownBy(() -> KeyExtractors.parse("header:")).hasMessage("lb.key: 'header' needs a name, as in 'header:<name>'");
    assertThatThrownBy(() -> KeyExtractors.parse("path:/x")).hasMessage("lb.key: 'path' takes no ':<name>'");
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
    RequestKeyExtractor chain = KeyExtractors.parse("header:X-Tenant,query:tenant");
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

  /** A key plugin: the tenant a request's path starts with, {@code /t/<tenant>/...}; or one that fails on every request. */
  private record TenantKey(boolean fails) implements RequestKeyExtractor, KeyExtractorProvider {
    @Override public String name() { return fails ? "broken" : "tenant"; }
    @Override public RequestKeyExtractor create(String argument, PluginConfig config) { return this; }
    @Override public long keyOf(RequestAttributes request) { return keyOfText(keyText(request).orElseThrow()).getAsLong(); }
    @Override public OptionalLong keyOfText(String text) {
      failIfBroken();
      return OptionalLong.of(text.hashCode());
    }
    @Override public Optional<String> keyText(RequestAttributes request) {
      failIfBroken();
      String[] parts = request.path().split("/");
      return parts.length > 2 && parts[1].equals("t") ? Optional.of(parts[2]) : Optional.empty();
    }
    private void failIfBroken() {
      if (fails) {
        throw new NoClassDefFoundError("com/example/ALibraryThePluginJarLacks");
      }
    }
  }

  private static final PluginRegistry<KeyExtractorProvider> WITH_PLUGINS = PluginRegistry.of(KeyExtractorProvider.class,
      java.util.stream.Stream.concat(KeyExtractors.onClassPath().all().stream(), java.util.stream.Stream.of(new TenantKey(false), new TenantKey(true))).toList());

  @Test
  void aPluginsKeyIsALinkLikeAnyOtherKeyedByTheKeyOfItsText() {
    RequestKeyExtractor chain = KeyExtractors.parse("tenant,header:X-User", WITH_PLUGINS, name -> Optional.empty());
    Request tenant = Request.of("/t/acme/cart", "10.0.0.1");

    assertThat(chain.keyOf(tenant)).isEqualTo("acme".hashCode());
    assertThat(chain.keyText(tenant)).hasValue("acme");
    assertThat(chain.keyOf(alice)).as("no tenant: the header").isEqualTo(KeyExtractors.parse("header:X-User").keyOf(alice));
    assertThat(chain.keyOfText("acme")).as("a raw key, as a lookup asks: the first link's").hasValue("acme".hashCode());
  }

  @Test
  void aLinkThatFailsOnARequestIsPassedOverAndTheRequestStillGetsAKey() {
    RequestKeyExtractor chain = KeyExtractors.parse("broken,header:X-User", WITH_PLUGINS, name -> Optional.empty());
    RequestKeyExtractor alone = KeyExtractors.parse("broken", WITH_PLUGINS, name -> Optional.empty());

    assertThat(chain.keyOf(alice)).isEqualTo(KeyExtractors.parse("header:X-User").keyOf(alice));
    assertThat(chain.keyText(alice)).hasValue("alice");
    assertThat(alone.keyOf(alice)).as("the chain's random id").isBetween(100_000L, 999_999L);
    assertThat(alone.keyOfText("alice")).as("a raw key the first link cannot make").isEmpty();
  }

  @Test
  void aProviderThatFailsToBuildItsKeyStopsTheStartNamingTheLink() {
    KeyExtractorProvider unbuildable = new KeyExtractorProvider() {
      @Override public String name() { return "unbuildable"; }
      @Override public RequestKeyExtractor create(String argument, PluginConfig config) { throw new IllegalStateException("no license file"); }
    };
    PluginRegistry<KeyExtractorProvider> providers = PluginRegistry.of(KeyExtractorProvider.class, List.of(unbuildable));

    assertThatThrownBy(() -> KeyExtractors.parse("unbuildable", providers, name -> Optional.empty()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("lb.key: 'unbuildable' could not be built by ")
        .hasMessageEndingWith(": java.lang.IllegalStateException: no license file");
  }

  @Test
  void anUnknownKeyIsRefusedNamingEveryKeyOnOfferPluginsAmongThem() {
    assertThatThrownBy(() -> KeyExtractors.parse("header:X-User,tenants", WITH_PLUGINS, name -> Optional.empty()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.key: 'tenants' is not accepted (available: broken, client-address, cookie:<name>, header:<name>, path, query:<name>,"
            + " random-id, tenant, uri, or a chain of them separated by commas)");
  }

  @Test
  void aRawKeyIsARandomIdOnlyWhenTheKeyIsOne() {
    assertThat(KeyExtractors.parse("random-id").keyOfText("123456")).hasValue(123_456L);
    assertThat(KeyExtractors.parse("random-id").keyOfText("99999")).isEmpty();
    assertThat(KeyExtractors.parse("random-id").keyOfText("alice")).isEmpty();
    assertThat(KeyExtractors.parse("tenant", WITH_PLUGINS, name -> Optional.empty()).keyOfText("123456"))
        .as("the plugin's key of the text, not the random id its chain falls back on").hasValue("123456".hashCode());
    assertThat(KeyExtractors.parse("header:X-User").keyOfText("123456")).hasValue(KeyExtractors.parse("header:X-User").keyOf(
        new Request("/", Map.of("X-User", "123456"), Map.of(), Map.of(), "10.0.0.1")));
  }
}
