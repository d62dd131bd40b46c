package io.ringlb.lb;

import io.ringlb.api.Replica;
import io.ringlb.core.proxy.KeyLookup;
import io.ringlb.core.routing.KeyRoute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /lookup}: where a request would go now, and why, without sending it. The request is
 * described by query parameters ({@code path}, {@code header.<name>}, {@code query.<name>},
 * {@code cookie.<name>}, {@code client}), or a raw {@code key} is given. Only on the admin port.
 */
@Path("lookup")
@ApplicationScoped
public class LookupResource {

  private static final String ACCEPTED = "path, header.<name>, query.<name>, cookie.<name>, client, or key alone";

  @Inject BalancerLifecycle lifecycle;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Tag(name = "operating")
  @Operation(summary = "Where a request or a key goes now, and why",
      description = "The key as lb.key makes it of the request described (or the raw key given), the replica it goes to now, the"
          + " replicas a request tries in order, and those the strategy's own order puts first that are passed over now, each with why"
          + " (out of the ring now, over the bounded-load limit, in slow start). The same"
          + " parameter may be given more than once (two headers of a name). Reads the ring as it is; nothing is counted or changed.")
  @Parameter(name = "path", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.STRING), description = "The request's path, with its query string if any; / when not given",
      example = "/home?user=7")
  @Parameter(name = "header.<name>", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.STRING), description = "A request header, e.g. header.X-User=alice")
  @Parameter(name = "query.<name>", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.STRING), description = "A query parameter added to the path's, e.g. query.user=alice")
  @Parameter(name = "cookie.<name>", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.STRING), description = "A cookie, e.g. cookie.session=abc")
  @Parameter(name = "client", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.STRING), description = "The client's address, for lb.key=client-address", example = "10.0.0.7")
  @Parameter(name = "key", in = ParameterIn.QUERY, schema = @Schema(type = SchemaType.STRING), description = "A raw key instead of a request: the text lb.key's first link would take from a"
      + " request (a header's value, a key plugin's claim), or with lb.key=random-id the 6-digit id", example = "alice")
  @APIResponse(responseCode = "200", description = "Where the request goes now")
  @APIResponse(ref = BalancerApplication.BAD_REQUEST)
  public Success<LookupAnswer> lookup(@Context UriInfo uri) {
    KeyLookup lookups = lifecycle.balancer().keyLookup();
    Description described = Description.of(uri.getRequestUri().getRawQuery());
    Optional<KeyLookup.Answer> answer;
    if (described.key().isPresent()) {
      if (!described.isEmptyBesidesKey()) {
        throw new ApiException(Response.Status.BAD_REQUEST, "'key' is given alone: it stands for the key a whole request would have");
      }
      answer = lookups.ofKey(described.key().get());
      if (answer.isEmpty()) {
        throw new ApiException(Response.Status.BAD_REQUEST, "'" + described.key().get() + "' is no key lb.key=" + lookups.keySpec() + " makes: "
            + (lookups.keySpec().equals("random-id") ? "a random id is a 6-digit number, 100000 to 999999"
                : "its first link does not say what key a text makes; describe a request instead"));
      }
    } else {
      try {
        answer = lookups.of(new KeyLookup.Request(described.target(), described.headers(), described.client()));
      } catch (IllegalArgumentException malformed) {
        throw new ApiException(Response.Status.BAD_REQUEST, "No request could carry this: " + malformed.getMessage());
      }
      if (answer.isEmpty()) {
        throw new ApiException(Response.Status.BAD_REQUEST, "Nothing to hash: lb.key finds nothing in this request, so the data plane would"
            + " give it a random id and it could go to any replica. Describe the request with " + ACCEPTED);
      }
    }
    return Success.of(LookupAnswer.of(answer.get()));
  }

  /** A request as the lookup's parameters describe it, in their order. */
  private record Description(String target, List<Map.Entry<String, String>> headers, Optional<String> client, Optional<String> key,
      boolean isEmptyBesidesKey) {

    static Description of(String rawQuery) {
      String path = "/";
      StringBuilder query = new StringBuilder();
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      List<String> cookies = new ArrayList<>();
      Optional<String> client = Optional.empty();
      Optional<String> key = Optional.empty();
      boolean described = false;
      for (String pair : rawQuery == null || rawQuery.isEmpty() ? new String[0] : rawQuery.split("&")) {
        int equals = pair.indexOf('=');
        String name = decoded(equals < 0 ? pair : pair.substring(0, equals));
        String value = equals < 0 ? "" : decoded(pair.substring(equals + 1));
        if (name.equals("key")) {
          key = Optional.of(value);
          continue;
        }
        described = true;
        if (name.equals("path")) {
          path = value.startsWith("/") ? value : "/" + value;
        } else if (name.equals("client")) {
          client = Optional.of(value);
        } else if (name.startsWith("header.") && name.length() > "header.".length()) {
          headers.add(Map.entry(name.substring("header.".length()), value));
        } else if (name.startsWith("query.") && name.length() > "query.".length()) {
          query.append(query.isEmpty() ? "" : "&").append(encoded(name.substring("query.".length()))).append('=').append(encoded(value));
        } else if (name.startsWith("cookie.") && name.length() > "cookie.".length()) {
          cookies.add(name.substring("cookie.".length()) + "=" + value);
        } else {
          throw new ApiException(Response.Status.BAD_REQUEST, "'" + name + "' is not a lookup parameter (accepted: " + ACCEPTED + ")");
        }
      }
      if (!cookies.isEmpty()) {
        headers.add(Map.entry("Cookie", String.join("; ", cookies)));
      }
      String target = query.isEmpty() ? path : path + (path.contains("?") ? "&" : "?") + query;
      return new Description(target, headers, client, key, !described);
    }

    private static String decoded(String part) {
      try {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException malformed) {
        throw new ApiException(Response.Status.BAD_REQUEST, "'" + part + "' is not URL-encoded: " + malformed.getMessage());
      }
    }

    private static String encoded(String part) {
      return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }
  }

  /**
   * What {@code /lookup} answers.
   *
   * @param key the text the key is made of
   * @param hash the 64-bit key the ring is read with, in hexadecimal
   * @param replica where the request goes now; null when the ring is empty
   * @param candidates the replicas it tries in order
   * @param passedOver the replicas the strategy's own order puts first that are passed over now, and why
   */
  public record LookupAnswer(
      @Schema(description = "The text the key is made of: a header's value, the path, the raw key given", examples = "alice") String key,
      @Schema(description = "The 64-bit key the ring is read with, in hexadecimal", examples = "9f2c61a04be2d3e1") String hash,
      @Schema(description = "Where the request goes now; null when the ring is empty", nullable = true, examples = "S2") String replica,
      @Schema(description = "The replicas a request with this key tries, in order (lb.forward.attempts of them)") List<String> candidates,
      @Schema(description = "Replicas the strategy's own order puts ahead of the first candidate that are passed over now") List<KeyRoute.PassedOver>
          passedOver) {

    static LookupAnswer of(KeyLookup.Answer answer) {
      KeyRoute route = answer.route();
      return new LookupAnswer(answer.keyText(), String.format("%016x", answer.key()), route.replica().map(Replica::name).orElse(null),
          route.candidates().stream().map(Replica::name).toList(), route.passedOver());
    }
  }
}
