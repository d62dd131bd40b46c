package io.ringlb.core.proxy;

import io.netty.handler.codec.http.HttpRequest;
import io.ringlb.api.Replica;
import java.util.List;

/**
 * Where a request goes: to the host's admin endpoint, for the paths the host serves itself, or
 * to the ring's candidates for its key, in order. The same for a request of any protocol.
 *
 * @param target the request's path and query (origin form), as it is forwarded
 * @param path the path alone, for the host's rules
 */
record Route(String target, String path, boolean toAdmin, List<Replica> candidates) {

  static Route of(Plane plane, HttpRequest request, String clientAddress) {
    String target = originForm(request.uri());
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    boolean toAdmin = plane.settings().admin().isPresent() && plane.rules().toAdmin(path);
    List<Replica> candidates = toAdmin
        ? List.of(plane.settings().admin().get())
        : plane.router().candidates(plane.keys().keyOf(new NettyRequestAttributes(request, path, target, clientAddress)));
    return new Route(target, path, toAdmin, candidates);
  }

  /**
   * The path and query of a request target {@link RequestTargets#problem} passed, also when a
   * client sent it in absolute form; {@code OPTIONS *} stays {@code *}.
   */
  static String originForm(String uri) {
    return RequestTargets.isAbsolute(uri) ? RequestTargets.originFormOf(uri) : uri;
  }
}
