package io.ringlb.example.jwt;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The value of one claim of a request's bearer token, read from the token's payload (its second
 * part, base64url-encoded JSON). A string claim is its text, an integer its digits as written;
 * anything else (an empty string, a fraction, an object), and any token that is not three
 * dot-separated parts with a JSON object in UTF-8 in the middle or is over
 * {@value #MAX_TOKEN_CHARS} characters long, is no key.
 *
 * @param claim the claim's name, such as {@code sub}
 */
record JwtClaimKey(String claim) implements RequestKeyExtractor {

  private static final String BEARER = "bearer ";
  /** Longer tokens are no key: a real one is a few hundred bytes, and the key is read on the event loop. */
  static final int MAX_TOKEN_CHARS = 8_192;
  /**
   * Field names not canonicalized: a token is read once, and a name table would let an unverified
   * token of thousands of distinct names cost a millisecond of the event loop.
   */
  private static final JsonFactory JSON = JsonFactory.builder()
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .build();
  private static final Hasher64 XXH3 = Hashing.xxh3_64();

  @Override
  public long keyOf(RequestAttributes request) {
    return XXH3.hashCharsToLong(keyText(request).orElseThrow(() -> new IllegalArgumentException("the request has no token with a '" + claim + "' claim")));
  }

  @Override
  public Optional<String> keyText(RequestAttributes request) {
    return request.header("Authorization").flatMap(this::claimOf);
  }

  @Override
  public OptionalLong keyOfText(String text) {
    return OptionalLong.of(XXH3.hashCharsToLong(text));
  }

  private Optional<String> claimOf(String authorization) {
    if (authorization.length() > BEARER.length() + MAX_TOKEN_CHARS || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String[] parts = authorization.substring(BEARER.length()).strip().split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    // UTF-8, as RFC 7519 (7.2) has the payload, and decoded here: given the bytes, the parser would guess UTF-16 or UTF-32 too
    try (JsonParser payload = JSON.createParser(UTF_8.newDecoder().decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(parts[1]))).toString())) {
      if (payload.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      Optional<String> found = Optional.empty();
      while (payload.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = claim.equals(payload.currentName());
        JsonToken value = payload.nextToken();
        if (wanted && (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT)) {
          found = Optional.of(payload.getText()).filter(text -> !text.isEmpty()); // the last of a repeated claim, as JSON parsers take
        }
        payload.skipChildren();
      }
      // read to the end, so that a payload cut short or followed by more is no token at all
      return payload.currentToken() == JsonToken.END_OBJECT && payload.nextToken() == null ? found : Optional.empty();
    } catch (IOException | IllegalArgumentException malformed) {
      return Optional.empty(); // not base64url, not UTF-8, not JSON: a token that names no one
    }
  }

  @Override
  public String toString() {
    return "jwt-claim[" + claim + "]";
  }
}
