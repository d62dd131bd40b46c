package io.ringlb.example.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlb.api.InvalidConfigException;
import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import io.ringlb.key.testkit.KeyExtractorContract;
import io.ringlb.key.testkit.TestRequest;
import io.ringlb.spi.KeyExtractorProvider;
import io.ringlb.spi.PluginConfig;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtClaimKeyTest implements KeyExtractorContract {

  @Override
  public KeyExtractorProvider provider() {
    return new JwtClaimKeyProvider();
  }

  @Override
  public RequestAttributes requestKeyedBy(String text) {
    return TestRequest.to("/home").header("Authorization", Tokens.forSubject(text));
  }

  @Override
  public List<RequestAttributes> requestsWithoutKey() {
    return List.of(
        TestRequest.to("/home"),
        TestRequest.to("/home").header("Authorization", "Basic YWxpY2U6c2VjcmV0"),
        TestRequest.to("/home").header("Authorization", "Bearer opaque-token-not-a-jwt"),
        TestRequest.to("/home").header("Authorization", "Bearer a.%%%.c"),
        TestRequest.to("/home").header("Authorization", "Bearer " + Tokens.encoded("{}") + "." + Tokens.encoded("not json") + ".sig"),
        TestRequest.to("/home").header("Authorization", Tokens.bearer("[\"sub\",\"alice\"]")),
        TestRequest.to("/home").header("Authorization", Tokens.bearer("{\"name\":\"alice\"}")),
        TestRequest.to("/home").header("Authorization", Tokens.bearer("{\"sub\":{\"id\":\"alice\"}}")),
        TestRequest.to("/home").header("Authorization", Tokens.bearer("{\"sub\":\"alice\"")),
        TestRequest.to("/home").header("Authorization", Tokens.bearer("{\"sub\":\"\"}")),
        TestRequest.to("/home").header("Authorization", Tokens.bearer("{\"sub\":1.5}")),
        TestRequest.to("/home").header("Authorization", Tokens.bearer("{\"sub\":\"alice\"}", StandardCharsets.UTF_16BE)),
        TestRequest.to("/home").header("Authorization", Tokens.bearer("{\"sub\":\"alice\"}", Charset.forName("UTF-32LE"))),
        TestRequest.to("/home").header("Authorization", "Bearer " + Tokens.encoded("{}") + "."
            + Base64.getUrlEncoder().encodeToString(new byte[] {'{', '"', 's', 'u', 'b', '"', ':', '"', (byte) 0xC3, '"', '}'}) + ".sig"),
        TestRequest.to("/home").header("Authorization", Tokens.forSubject("a".repeat(JwtClaimKey.MAX_TOKEN_CHARS))),
        TestRequest.to("/home").header("Authorization", Tokens.forSubject("alice").substring(0, 40)),
        TestRequest.to("/home").header("X-Authorization", Tokens.forSubject("alice")).cookie("Authorization", Tokens.forSubject("alice")));
  }

  @Test
  void theClaimIsASettingAndANumberIsItsDigits() {
    RequestKeyExtractor byTenant = provider().create("", PluginConfig.of("lb.key.jwt-claim", Map.of("lb.key.jwt-claim.claim", "tenant")));
    RequestKeyExtractor byIssuedAt = provider().create("", PluginConfig.of("lb.key.jwt-claim", Map.of("lb.key.jwt-claim.claim", "iat")));

    assertThat(byTenant.keyText(requestKeyedBy("alice"))).hasValue("acme");
    assertThat(byTenant.keyOf(requestKeyedBy("alice"))).isEqualTo(byTenant.keyOf(requestKeyedBy("bob")));
    assertThat(byIssuedAt.keyText(requestKeyedBy("alice"))).hasValue("1767225600");
  }

  @Test
  void theTokenIsDecodedNotVerified() {
    String token = Tokens.forSubject("alice");
    String resigned = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmVkLWJ5LXNvbWVvbmUtZWxzZQ";

    assertThat(extractor().keyOf(TestRequest.to("/").header("Authorization", resigned)))
        .isEqualTo(extractor().keyOf(TestRequest.to("/").header("Authorization", token)));
    assertThat(extractor().keyText(TestRequest.to("/").header("Authorization", "bearer  " + token.substring("Bearer ".length()))))
        .as("the scheme in any case, blanks around the token").hasValue("alice");
  }

  @Test
  void refusesAnArgumentNamingTheSettingInstead() {
    assertThatThrownBy(() -> provider().create("tenant", PluginConfig.empty("lb.key.jwt-claim")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("lb.key: 'jwt-claim' takes no ':<name>'; the claim is the setting lb.key.jwt-claim.claim");
  }
}
