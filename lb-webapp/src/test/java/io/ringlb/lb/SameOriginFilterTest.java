package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether a page's {@code Origin} is the server the call was sent to ({@code Host}), as a browser names them. */
class SameOriginFilterTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      http://127.0.0.1:5001      | 127.0.0.1:5001   | true
      http://LOCALHOST:5001      | localhost:5001   | true
      http://example.com         | example.com      | true
      http://example.com         | example.com:80   | true
      https://example.com        | example.com      | true
      https://example.com        | example.com:443  | true
      http://[::1]:5001          | [::1]:5001       | true
      http://127.0.0.1:5000      | 127.0.0.1:5001   | false
      http://evil.example        | 127.0.0.1:5001   | false
      https://example.com        | example.com:80   | false
      http://127.0.0.1:5001/page | 127.0.0.1:5001   | false
      null                       | 127.0.0.1:5001   | false
      'http://a b'               | 127.0.0.1:5001   | false
      http://127.0.0.1:5001      |                  | false
      """)
  void anOriginIsTheSameWhenSchemeHostAndPortName(String origin, String host, boolean same) {
    assertThat(SameOriginFilter.sameOrigin(origin, host)).isEqualTo(same);
  }
}
