package io.ringlb.core.forward;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client's request as the balancer received it.
 *
 * @param method the HTTP method
 * @param pathAndQuery the path, starting with {@code /}, and the query string if any
 * @param headers the request headers; hop-by-hop ones are dropped when forwarding
 * @param body the request body, empty for none
 * @param clientAddress the address of the client, appended to {@code X-Forwarded-For}
 */
public record ForwardRequest(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body, String clientAddress) {

  public ForwardRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(clientAddress, "clientAddress");
  }
}
