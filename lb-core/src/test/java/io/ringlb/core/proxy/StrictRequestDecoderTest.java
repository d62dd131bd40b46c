package io.ringlb.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder on its own, fed as a socket may deliver bytes: whole, or one at a time, so that
 * every chunk-size line, chunk and delimiter is split at every place Netty may stop in it.
 */
class StrictRequestDecoderTest {

  private final List<HttpMethod> heads = new ArrayList<>();

  /** What the decoder made of {@code input}, a line per message: "GET /a", "data 5", "end 0", or "refused: why". */
  private List<String> decode(String input, boolean byteByByte) {
    EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(new HttpDecoderConfig().setMaxChunkSize(4), heads::add));
    byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
    if (byteByByte) {
      for (byte b : bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
      }
    } else {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }
    List<String> seen = new ArrayList<>();
    for (Object message; (message = channel.readInbound()) != null; ) {
      HttpObject object = (HttpObject) message;
      if (object.decoderResult().isFailure()) {
        seen.add("refused: " + object.decoderResult().cause().getMessage());
      } else if (object instanceof HttpRequest request) {
        seen.add(request.method() + " " + request.uri());
      } else if (object instanceof LastHttpContent last) {
        seen.add("end " + last.content().readableBytes());
      } else {
        seen.add("data " + ((HttpContent) object).content().toString(StandardCharsets.ISO_8859_1));
      }
      io.netty.util.ReferenceCountUtil.release(message);
    }
    channel.finishAndReleaseAll();
    return seen;
  }

  /** The messages without the data parts, whose split depends on how the bytes came. */
  private static List<String> framing(List<String> seen) {
    return seen.stream().filter(line -> !line.startsWith("data ")).toList();
  }

  private static String data(List<String> seen) {
    StringBuilder all = new StringBuilder();
    seen.stream().filter(line -> line.startsWith("data ")).forEach(line -> all.append(line.substring(5)));
    return all.toString();
  }

  @Test
  void chunkedBodiesAndTheRequestsAfterThemAreFramedHoweverTheBytesCome() {
    String pipelined = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\nA;ext=\"v\"\r\n0123456789\r\n1\r\n \r\n0\r\nTrailer: t\r\n\r\n"
        + "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
    for (boolean byteByByte : new boolean[] {false, true}) {
      List<String> seen = decode(pipelined, byteByByte);

      assertThat(framing(seen)).as("byte by byte: %s", byteByByte).containsExactly("POST /a", "end 0", "POST /b", "end 0", "GET /c", "end 0");
      assertThat(data(seen)).as("a chunk of data may begin with a space").isEqualTo("hello0123456789 abc");
    }
    assertThat(heads).containsExactly(HttpMethod.POST, HttpMethod.POST, HttpMethod.GET, HttpMethod.POST, HttpMethod.POST, HttpMethod.GET);
  }

  @Test
  void whitespaceBeforeAnyChunkSizeIsRefusedAndNothingAfterItIsDecoded() {
    String head = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    String hidden = "GET /hidden HTTP/1.1\r\nHost: x\r\n\r\n";
    for (boolean byteByByte : new boolean[] {false, true}) {
      assertThat(framing(decode(head + " 5\r\nhello\r\n0\r\n\r\n" + hidden, byteByByte)))
          .containsExactly("POST /a", "refused: whitespace before a chunk size");
      assertThat(framing(decode(head + "5\r\nhello\r\n\t0\r\n\r\n" + hidden, byteByByte)))
          .containsExactly("POST /a", "refused: whitespace before a chunk size");
      assertThat(framing(decode(head + "5\r\nhello\r\n0\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 1\r\nx\r\n0\r\n\r\n" + hidden,
          byteByByte)))
          .containsExactly("POST /a", "end 0", "POST /b", "refused: whitespace before a chunk size");
    }
  }

  @Test
  void aTransferEncodingOtherThanChunkedAloneIsRefusedWithItsBody() {
    String hidden = "GET /hidden HTTP/1.1\r\nHost: x\r\n\r\n";
    assertThat(decode("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n" + hidden, false))
        .containsExactly("refused: The final transfer coding must be chunked for HTTP requests"); // Netty's own decoder's words
    assertThat(decode("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n" + hidden, false))
        .singleElement().asString().startsWith("refused: ");
    assertThat(decode("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n" + hidden, false))
        .containsExactly("refused: Transfer-Encoding must be chunked alone, was: identity, chunked");
    assertThat(decode("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, \r\n\r\n0\r\n\r\n" + hidden, false))
        .singleElement().asString().startsWith("refused: ");
  }

  @Test
  void hostMustBeThereOnceInHttp11AndAtMostOnceInHttp10() {
    assertThat(decode("GET /a HTTP/1.1\r\n\r\n", false)).containsExactly("refused: an HTTP/1.1 request without a Host header");
    assertThat(decode("GET /a HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\nGET /hidden HTTP/1.1\r\nHost: x\r\n\r\n", false))
        .containsExactly("refused: more than one Host header");
    assertThat(decode("GET /a HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", false)).containsExactly("refused: more than one Host header");
    assertThat(decode("GET /a HTTP/1.0\r\n\r\n", false)).containsExactly("GET /a", "end 0");
  }
}
