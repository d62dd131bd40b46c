package io.ringlb.key.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.core.key.BuiltInKeys;
import io.ringlb.core.key.KeyExtractors;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginConfig;
import io.ringlb.spi.PluginRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every key made of a request's text promises, whatever it reads: a key plugin's test class
 * implements this interface, names its provider and says how to build a request keyed by a given
 * text; JUnit runs the default methods as tests.
 *
 * <p>The promises are those the balancer relies on: the same text is the same key in every
 * balancer and after every restart (several balancers share a fleet; a lookup must agree with
 * the data plane), the key of a request is the key of its text (a lookup by a raw key finds
 * where that user's requests go), one extractor serves every event loop at once, different texts
 * spread over the whole key space, and a request
 * without the key, however malformed, has no text rather than an exception, so a chain goes on
 * to its next link.
 */
public interface KeyExtractorContract {

  /** 10,000 texts, as the exercise sends 10,000 requests. */
  int TEXT_COUNT = 10_000;

  KeyExtractorProvider provider();

  /** The link of {@code lb.key} the contract runs with: the provider's name, and an argument after a colon if it needs one. */
  default String link() {
    return provider().name();
  }

  /** The settings the contract runs with, by full property name ({@code lb.key.<name>.<setting>}); none unless overridden. */
  default Map<String, String> settings() {
    return Map.of();
  }

  /** A request whose key text is {@code text}: for {@code header:X-User}, one with {@code X-User: text}. */
  RequestAttributes requestKeyedBy(String text);

  /**
   * Requests that have no key by this extractor, malformed ones among them (a header that is not
   * what the extractor expects); none when the provider keys every request.
   */
  default List<RequestAttributes> requestsWithoutKey() {
    return List.of();
  }

  default RequestKeyExtractor extractor() {
    int colon = link().indexOf(':');
    String argument = colon < 0 ? "" : link().substring(colon + 1);
    return provider().create(argument, PluginConfig.of("lb.key." + provider().name(), settings()));
  }

  private RequestKeyExtractor chain(String spec) {
    PluginRegistry<KeyExtractorProvider> providers =
        PluginRegistry.of(KeyExtractorProvider.class, List.of(provider(), new BuiltInKeys.ClientAddress(), new BuiltInKeys.Path()));
    return KeyExtractors.parse(spec, providers, name -> Optional.ofNullable(settings().get(name)));
  }

  @Test
  default void isFoundOnTheClassPathByItsName() {
    PluginRegistry<KeyExtractorProvider> registry = PluginRegistry.load(KeyExtractorProvider.class);

    assertThat(registry.select(provider().name())).isInstanceOf(provider().getClass());
    assertThat(provider().usage()).as("how lb.key names it").startsWith(provider().name());
  }

  @Test
  default void theKeyTextIsTheTextTheRequestCarries() {
    RequestKeyExtractor extractor = extractor();

    for (String text : List.of("alice", "bob", "42", "ünïcødé user", "a".repeat(500))) {
      assertThat(extractor.keyText(requestKeyedBy(text))).as("key text of a request keyed by %s", text).hasValue(text);
    }
  }

  @Test
  default void aRequestsKeyIsTheKeyOfItsText() {
    RequestKeyExtractor extractor = extractor();

    for (int i = 0; i < 1_000; i++) {
      RequestAttributes request = requestKeyedBy("user-" + i);
      String text = extractor.keyText(request).orElseThrow();
      assertThat(extractor.keyOfText(text)).as("keyOfText(%s)", text).hasValue(extractor.keyOf(request));
    }
  }

  @Test
  default void theSameTextIsTheSameKeyInEveryBalancer() {
    RequestKeyExtractor one = extractor();
    RequestKeyExtractor other = extractor();

    for (int i = 0; i < 1_000; i++) {
      RequestAttributes request = requestKeyedBy("user-" + i);
      assertThat(other.keyOf(request)).isEqualTo(one.keyOf(request)).isEqualTo(one.keyOf(request));
    }
  }

  /**
   * One extractor serves every event loop at once: a field it keeps between calls (a reused
   * digest, builder or parser) would mix two requests' keys, which no single-threaded check sees.
   */
  @Test
  default void oneExtractorSharedByEveryEventLoopGivesEachRequestItsOwnKey() throws Exception {
    RequestKeyExtractor extractor = extractor();
    List<RequestAttributes> requests = IntStream.range(0, TEXT_COUNT).mapToObj(i -> requestKeyedBy("user-" + i)).toList();
    long[] alone = requests.stream().mapToLong(extractor::keyOf).toArray();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService loops = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> together = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        together.add(loops.submit(() -> {
          start.await(); // all at once, so that calls overlap
          return requests.stream().mapToLong(extractor::keyOf).toArray();
        }));
      }
      for (Future<long[]> keys : together) {
        assertThat(keys.get(1, TimeUnit.MINUTES)).as("keys extracted on %d threads at once", threads).containsExactly(alone);
      }
    } finally {
      loops.shutdownNow();
    }
  }

  @Test
  default void differentTextsSpreadOverTheWholeKeySpace() {
    RequestKeyExtractor extractor = extractor();
    long[] keys = IntStream.range(0, TEXT_COUNT).mapToLong(i -> extractor.keyOf(requestKeyedBy("user-" + i))).toArray();
    int[] high = new int[8];
    int[] low = new int[8];
    Set<Long> distinct = new HashSet<>();
    for (long key : keys) {
      distinct.add(key);
      high[(int) (key >>> 61)]++;
      low[(int) (key & 7)]++;
    }

    assertThat(distinct).as("distinct keys of %d texts", TEXT_COUNT).hasSize(TEXT_COUNT);
    int expected = TEXT_COUNT / 8;
    for (int bucket = 0; bucket < 8; bucket++) {
      assertThat(high[bucket]).as("keys whose top 3 bits are %d", bucket).isBetween(expected * 85 / 100, expected * 115 / 100);
      assertThat(low[bucket]).as("keys whose low 3 bits are %d", bucket).isBetween(expected * 85 / 100, expected * 115 / 100);
    }
  }

  @Test
  default void aRequestWithoutTheKeyHasNoTextAndAChainGoesOnToItsNextLink() {
    if (provider().keysEveryRequest()) {
      assertThat(requestsWithoutKey()).as("a provider that keys every request has no request without a key").isEmpty();
      assertThatThrownBy(() -> chain(link() + ",client-address"))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageContaining("only a chain's last link may be one");
      return;
    }
    assertThat(requestsWithoutKey()).as("requests without the key, to show the extractor has none for them").isNotEmpty();
    RequestKeyExtractor extractor = extractor();
    RequestKeyExtractor chain = chain(link() + ",client-address");
    RequestKeyExtractor byAddress = chain("client-address");
    for (RequestAttributes request : requestsWithoutKey()) {
      assertThat(extractor.keyText(request)).as("key text of %s", request).isEmpty();
      assertThat(chain.keyOf(request)).as("%s keyed by the chain's next link", request).isEqualTo(byAddress.keyOf(request));
    }
    RequestAttributes keyed = requestKeyedBy("alice");
    assertThat(chain.keyOf(keyed)).as("a request with the key keyed by it in a chain").isEqualTo(extractor.keyOf(keyed));
  }

  @Test
  default void aRequestWithNothingItExpectsHasNoKeyTextRatherThanAnError() {
    RequestKeyExtractor extractor = extractor();
    List<TestRequest> strangers = List.of(
        TestRequest.to("/"),
        TestRequest.to("/?=&&=%zz").header("Authorization", "Bearer ...").cookie(";;", "=").cookie("", ""),
        TestRequest.to("/x").header("Authorization", "").header("X-User", "\u0000\uFFFF"));

    for (TestRequest stranger : strangers) {
      Optional<String> text = extractor.keyText(stranger);
      if (provider().keysEveryRequest()) {
        assertThat(text).as("a key every request has, for %s", stranger).isPresent();
      }
    }
  }
}
