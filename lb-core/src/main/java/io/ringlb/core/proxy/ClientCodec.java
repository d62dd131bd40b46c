package io.ringlb.core.proxy;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A client connection's HTTP/1.1 codec: requests decoded by the {@link StrictRequestDecoder},
 * answers encoded by Netty. The encoder learns from the decoder which answers go to a {@code HEAD},
 * so none of them carries a body, an error of the data plane's own included; requests are answered
 * in the order they came, as on any HTTP/1.1 connection.
 */
final class ClientCodec extends CombinedChannelDuplexHandler<StrictRequestDecoder, HttpResponseEncoder> {

  ClientCodec(HttpDecoderConfig config) {
    Queue<HttpMethod> methods = new ArrayDeque<>();
    init(new StrictRequestDecoder(config, methods::add), new HttpResponseEncoder() {
      @Override
      protected boolean isContentAlwaysEmpty(HttpResponse response) {
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
          return super.isContentAlwaysEmpty(response); // an interim answer: the final one is still to come
        }
        return HttpMethod.HEAD.equals(methods.poll()) || super.isContentAlwaysEmpty(response);
      }
    });
  }

  /** Whether part of a request head has been read and the rest has not ({@link StrictRequestDecoder#midHead}). */
  boolean midHead() {
    return inboundHandler().midHead();
  }
}
