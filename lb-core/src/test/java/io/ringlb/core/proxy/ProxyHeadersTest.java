package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyHeadersTest {

  @ParameterizedTest
  @ValueSource(strings = {"Keep-Alive", "proxy-connection", "Proxy-Authenticate", "PROXY-AUTHORIZATION", "te", "Trailer", "Transfer-Encoding", "upgrade"})
  void aHeaderOfOneConnectionIsDroppedFromAnAnswerEvenWhenConnectionDoesNotNameIt(String name) {
    HttpResponse answer = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    answer.headers().add("Content-Type", "text/plain").add(name, "x").add("Content-Length", "2").add("X-Served-By", "R1");

    HttpResponse toClient = ProxyHeaders.toClient(answer, HttpVersion.HTTP_1_1, false, true);

    assertThat(toClient.headers().names()).containsExactlyInAnyOrder("Content-Type", "Content-Length", "X-Served-By");
  }

  @Test
  void whatConnectionNamesIsDroppedWithIt() {
    HttpResponse answer = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    answer.headers().add("X-Private", "1").add("Connection", "x-private, Keep-Alive").add("Keep-Alive", "timeout=5").add("Content-Length", "0");

    HttpResponse toClient = ProxyHeaders.toClient(answer, HttpVersion.HTTP_1_1, false, true);

    assertThat(toClient.headers().names()).containsExactly("Content-Length");
  }

  @Test
  void anAnswerWithoutHeadersOfOneConnectionKeepsEveryHeader() {
    HttpResponse answer = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    answer.headers().add("Date", "Thu, 03 Dec 2026 03:00:00 GMT").add("User-Agent-Like", "x").add("Content-Length", "0");

    HttpResponse toClient = ProxyHeaders.toClient(answer, HttpVersion.HTTP_1_1, false, true);

    assertThat(toClient.headers().names()).containsExactly("Date", "User-Agent-Like", "Content-Length");
  }

  @Test
  void aRequestLosesItsCredentialsForTheProxyAndGainsForwardingHeaders() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://shop.example/cart");
    request.headers().add("Host", "shop.example").add("Proxy-Authorization", "Basic eDp5").add("X-Forwarded-For", "192.0.2.7");

    HttpRequest toReplica = ProxyHeaders.toReplica(request, "/cart", "198.51.100.3", true, false);

    assertThat(toReplica.uri()).isEqualTo("/cart");
    assertThat(toReplica.headers().contains("Proxy-Authorization")).isFalse();
    assertThat(toReplica.headers().get("X-Forwarded-For")).isEqualTo("192.0.2.7, 198.51.100.3");
    assertThat(toReplica.headers().get("X-Forwarded-Proto")).isEqualTo("https");
    assertThat(toReplica.headers().get("X-Forwarded-Host")).isEqualTo("shop.example");
  }

  @Test
  void aRequestNamingNoForwarderGetsTheClientAlone() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");

    HttpRequest toReplica = ProxyHeaders.toReplica(request, "/", "198.51.100.3", false, false);

    assertThat(toReplica.headers().getAll("X-Forwarded-For")).containsExactly("198.51.100.3");
    assertThat(toReplica.headers().get("X-Forwarded-Proto")).isEqualTo("http");
  }
}
