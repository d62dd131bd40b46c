package io.ringlb.core.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The answers the data plane writes itself, in the API's error shape: {@code {"message":
 * "<Error> ...", "status": "failure"}}.
 */
final class Answers {

  private Answers() {}

  /** A complete response to a client of {@code version}, which says whether the connection stays open. */
  static FullHttpResponse failure(HttpResponseStatus status, String problem, HttpVersion version, boolean keepAlive) {
    FullHttpResponse response = failure(status, problem, !keepAlive);
    if (keepAlive && version.equals(HttpVersion.HTTP_1_0)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return response;
  }

  /** A complete response; {@code close} says {@code Connection: close}. */
  static FullHttpResponse failure(HttpResponseStatus status, String problem, boolean close) {
    String json = "{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString("<Error> " + problem))
        + "\",\"status\":\"failure\"}";
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }
}
