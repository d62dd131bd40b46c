package io.ringlb.example.jwt;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Bearer tokens as an identity provider issues them, with a payload the test writes; their signatures are not real. */
final class Tokens {

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {}

  /** {@code Bearer <header>.<payload>.<signature>}, the payload being {@code json}. */
  static String bearer(String json) {
    return bearer(json, StandardCharsets.UTF_8);
  }

  /** As {@link #bearer(String)}, the payload's JSON in {@code charset}, which a real token's never is but in UTF-8. */
  static String bearer(String json, Charset charset) {
    return "Bearer " + encoded("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + BASE64URL.encodeToString(json.getBytes(charset)) + "."
        + BASE64URL.encodeToString(new byte[] {1, 2, 3, 4});
  }

  /** A token for {@code subject}, with the claims a real one has around it. */
  static String forSubject(String subject) {
    return bearer("{\"iss\":\"https://id.example\",\"aud\":[\"shop\",\"cart\"],\"nested\":{\"sub\":\"decoy\"},\"sub\":" + quoted(subject)
        + ",\"tenant\":\"acme\",\"iat\":1767225600}");
  }

  static String quoted(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"').toString();
  }

  static String encoded(String text) {
    return BASE64URL.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
