package io.ringlb.example.jwt;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginConfig;

/**
 * {@code lb.key=jwt-claim}: keys a request by a claim of the JSON Web Token in its {@code
 * Authorization: Bearer} header, so each user (or tenant) sticks to one replica however many
 * connections and addresses they come from.
 *
 * <p>The claim is the setting {@code lb.key.jwt-claim.claim}, {@code sub} by default. The token
 * is decoded, not verified: the key only chooses a replica, and the replica that answers must
 * verify the token as it would without a balancer. A request without a bearer token, or whose
 * token has no such claim, goes on to {@code lb.key}'s next link.
 */
public final class JwtClaimKeyProvider implements KeyExtractorProvider {

  @Override
  public String name() {
    return "jwt-claim";
  }

  @Override
  public RequestKeyExtractor create(String argument, PluginConfig config) {
    if (!argument.isEmpty()) {
      throw new InvalidConfigException("lb.key", "'jwt-claim' takes no ':<name>'; the claim is the setting " + config.key("claim"));
    }
    String claim = config.string("claim", "sub");
    return new JwtClaimKey(claim);
  }
}
