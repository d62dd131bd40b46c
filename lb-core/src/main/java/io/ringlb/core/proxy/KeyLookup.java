package io.ringlb.core.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.ringlb.api.Replica;
import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.core.routing.KeyRoute;
import io.ringlb.core.routing.Router;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Where a request would go now, and why, without sending it: its key as {@code lb.key} makes
 * it, read from the same request head the data plane reads ({@link NettyRequestAttributes}), and
 * the route the ring gives that key now ({@link Router#explain}). Costs the request path nothing:
 * it reads the ring and the loads as they are and counts nothing.
 */
public final class KeyLookup {

  private final RequestKeyExtractor keys;
  private final Router router;
  private final Supplier<Map<Replica, Integer>> outOfRing;

  /** @param outOfRing the replicas kept but out of the ring now, with their weights: where a key would go if they were in it */
  public KeyLookup(RequestKeyExtractor keys, Router router, Supplier<Map<Replica, Integer>> outOfRing) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.router = Objects.requireNonNull(router, "router");
    this.outOfRing = Objects.requireNonNull(outOfRing, "outOfRing");
  }

  /**
   * A request as a lookup describes it.
   *
   * @param target its path and query as a client would send them, such as {@code /home?user=7}
   * @param headers its headers, in order; a {@code Cookie} header carries its cookies
   * @param clientAddress the address it would come from; empty when not given
   */
  public record Request(String target, List<Map.Entry<String, String>> headers, Optional<String> clientAddress) {

    public Request {
      headers = List.copyOf(headers);
    }
  }

  /**
   * What a lookup answers.
   *
   * @param keyText the text the key is made of (a header's value, the path), or the raw key asked for
   * @param key the 64-bit key the ring is read with
   */
  public record Answer(String keyText, long key, KeyRoute route) {}

  /**
   * Where {@code request} would go now; empty when {@code lb.key} finds nothing in it to hash, so it would get a random id.
   *
   * @throws IllegalArgumentException when its target is one the data plane refuses, saying why
   */
  public Optional<Answer> of(Request request) {
    String problem = RequestTargets.problem(request.target(), false, false);
    if (problem != null) {
      throw new IllegalArgumentException(problem); // the data plane refuses it: it goes nowhere
    }
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, request.target());
    request.headers().forEach(header -> head.headers().add(header.getKey(), header.getValue()));
    if (RequestTargets.isAbsolute(request.target())) {
      head.headers().set(HttpHeaderNames.HOST, RequestTargets.authorityOf(request.target())); // as the data plane takes it
    }
    String target = Route.originForm(request.target());
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    RequestAttributes attributes = new NettyRequestAttributes(head, path, target, request.clientAddress().orElse(null));
    Optional<String> text = keys.keyText(attributes);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    long key = keys.keyOf(attributes);
    return Optional.of(new Answer(text.get(), key, router.explain(key, outOfRing.get())));
  }

  /** {@code lb.key} as configured, for messages. */
  public String keySpec() {
    return keys.toString();
  }

  /** Where a request whose key text is {@code text} would go now; empty when {@code lb.key} never makes such a key (a random id out of range). */
  public Optional<Answer> ofKey(String text) {
    OptionalLong key = keys.keyOfText(text);
    return key.isEmpty() ? Optional.empty() : Optional.of(new Answer(text, key.getAsLong(), router.explain(key.getAsLong(), outOfRing.get())));
  }
}
