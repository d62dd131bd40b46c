package io.ringlb.core.key;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginConfig;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The keys the balancer ships, as providers of the SPI a key plugin implements, listed in {@code
 * META-INF/services} as a plugin's are:
 *
 * <ul>
 *   <li>{@code random-id}: the exercise's random 6-digit request id, drawn per request;
 *   <li>{@code path}: the request path, as HAProxy's {@code balance uri};
 *   <li>{@code uri}: the path and query string, as nginx's {@code hash $request_uri} and
 *       HAProxy's {@code balance uri whole};
 *   <li>{@code header:<name>}, {@code query:<name>}, {@code cookie:<name>}: that value;
 *   <li>{@code client-address}: the client's address, as HAProxy's {@code balance source}.
 * </ul>
 */
public final class BuiltInKeys {

  private BuiltInKeys() {}

  /** {@code random-id}. */
  public static final class RandomId extends EveryRequest {
    public RandomId() {
      super("random-id");
    }

    @Override
    RequestKeyExtractor create() {
      return RandomIdKey.threadLocal();
    }
  }

  /** {@code path}. */
  public static final class Path extends EveryRequest {
    public Path() {
      super("path");
    }

    @Override
    RequestKeyExtractor create() {
      return new PathKey();
    }
  }

  /** {@code uri}. */
  public static final class Uri extends EveryRequest {
    public Uri() {
      super("uri");
    }

    @Override
    RequestKeyExtractor create() {
      return new UriKey();
    }
  }

  /** {@code client-address}. */
  public static final class ClientAddress extends EveryRequest {
    public ClientAddress() {
      super("client-address");
    }

    @Override
    RequestKeyExtractor create() {
      return new ClientAddressKey();
    }
  }

  /** {@code header:<name>}. */
  public static final class Header extends Attribute {
    public Header() {
      super("header", RequestAttributes::header);
    }
  }

  /** {@code query:<name>}. */
  public static final class Query extends Attribute {
    public Query() {
      super("query", RequestAttributes::queryParameter);
    }
  }

  /** {@code cookie:<name>}. */
  public static final class Cookie extends Attribute {
    public Cookie() {
      super("cookie", RequestAttributes::cookie);
    }
  }

  /** A key every request has, taking no argument and no setting. */
  abstract static class EveryRequest implements KeyExtractorProvider {

    private final String name;

    EveryRequest(String name) {
      this.name = name;
    }

    abstract RequestKeyExtractor create();

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final boolean keysEveryRequest() {
      return true;
    }

    @Override
    public final RequestKeyExtractor create(String argument, PluginConfig config) {
      if (!argument.isEmpty()) {
        throw new InvalidConfigException(KeyExtractors.KEY, "'" + name + "' takes no ':<name>'");
      }
      return create();
    }
  }

  /** A named attribute of the request, which a request may lack. */
  private abstract static class Attribute implements KeyExtractorProvider {

    private final String name;
    private final BiFunction<RequestAttributes, String, Optional<String>> lookup;

    Attribute(String name, BiFunction<RequestAttributes, String, Optional<String>> lookup) {
      this.name = name;
      this.lookup = lookup;
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final String usage() {
      return name + ":<name>";
    }

    @Override
    public final RequestKeyExtractor create(String argument, PluginConfig config) {
      if (argument.isEmpty()) {
        throw new InvalidConfigException(KeyExtractors.KEY, "'" + name + "' needs a name, as in '" + usage() + "'");
      }
      return new AttributeKey(name + ":" + argument, request -> lookup.apply(request, argument));
    }
  }
}
