package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The data plane's own failures as a gRPC client reads them. */
class AnswersTest {

  private static HttpRequest typed(String contentType) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/pkg.Service/Method");
    request.headers().set("content-type", contentType);
    return request;
  }

  @Test
  void aGrpcCallIsKnownByItsContentType() {
    assertThat(Answers.isGrpc(typed("application/grpc"))).isTrue();
    assertThat(Answers.isGrpc(typed("application/grpc+proto"))).isTrue();
    assertThat(Answers.isGrpc(typed("Application/GRPC; charset=utf-8"))).isTrue();
    assertThat(Answers.isGrpc(typed("application/grpc-web"))).as("gRPC-Web is another protocol").isFalse();
    assertThat(Answers.isGrpc(typed("application/json"))).isFalse();
    assertThat(Answers.isGrpc(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"))).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"503, 14", "502, 14", "504, 14", "429, 14", "400, 13", "401, 16", "403, 7", "404, 12", "413, 2", "408, 2"})
  void anHttpStatusBecomesTheGrpcStatusGrpcsMappingGives(int http, int grpc) {
    assertThat(Answers.grpcStatus(http)).isEqualTo(grpc);
  }

  @Test
  void aFailureIsTrailersOnlyWithItsStatusAndPercentEncodedMessage() {
    FullHttpResponse failure = Answers.grpcFailure(HttpResponseStatus.SERVICE_UNAVAILABLE, "No replica could answer: tried R1, Ré 100%", false);

    assertThat(failure.status().code()).isEqualTo(200);
    assertThat(failure.content().readableBytes()).isZero();
    assertThat(failure.headers().get("content-type")).isEqualTo("application/grpc");
    assertThat(failure.headers().get("grpc-status")).isEqualTo("14");
    assertThat(failure.headers().get("grpc-message")).isEqualTo("No replica could answer: tried R1, R%C3%A9 100%25");
    failure.release();
  }
}
