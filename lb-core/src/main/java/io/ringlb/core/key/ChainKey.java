package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code lb.key}'s links in order: a request is keyed by the first link that has a key text for
 * it, and one that has none goes on to the next; the last link keys every request (a random id
 * when {@code lb.key} names none that does).
 *
 * <p>A link that fails on a request (a plugin's bug, a request its author did not foresee) is
 * passed over as if the request had no text for it, and the first failure is logged: no request
 * loses its answer to its key.
 */
final class ChainKey implements RequestKeyExtractor {

  private static final System.Logger LOG = System.getLogger(ChainKey.class.getName());

  private final String spec;
  private final String[] linkSpecs;
  private final RequestKeyExtractor[] links;
  private final RequestKeyExtractor lastResort = RandomIdKey.threadLocal();
  private final AtomicBoolean failedBefore = new AtomicBoolean();

  /**
   * @param linkSpecs each link as {@code lb.key} names it, for messages
   * @param links in the same order; the last keys every request
   */
  ChainKey(String spec, List<String> linkSpecs, List<RequestKeyExtractor> links) {
    this.spec = spec;
    this.linkSpecs = linkSpecs.toArray(String[]::new);
    this.links = links.toArray(RequestKeyExtractor[]::new);
  }

  @Override
  public long keyOf(RequestAttributes request) {
    int last = links.length - 1;
    for (int i = 0; i < last; i++) {
      RequestKeyExtractor link = links[i];
      try {
        Optional<String> text = link.keyText(request);
        if (text.isPresent()) {
          OptionalLong key = link.keyOfText(text.get());
          return key.isPresent() ? key.getAsLong() : link.keyOf(request);
        }
      } catch (RuntimeException failed) {
        passOver(i, failed);
      }
    }
    try {
      return links[last].keyOf(request);
    } catch (RuntimeException failed) {
      passOver(last, failed);
      return lastResort.keyOf(request);
    }
  }

  @Override
  public Optional<String> keyText(RequestAttributes request) {
    for (int i = 0; i < links.length; i++) {
      try {
        Optional<String> text = links[i].keyText(request);
        if (text.isPresent()) {
          return text;
        }
      } catch (RuntimeException failed) {
        passOver(i, failed);
      }
    }
    return Optional.empty();
  }

  /** The key the first link that makes keys of text makes of {@code text}. */
  @Override
  public OptionalLong keyOfText(String text) {
    for (int i = 0; i < links.length; i++) {
      try {
        OptionalLong key = links[i].keyOfText(text);
        if (key.isPresent()) {
          return key;
        }
      } catch (RuntimeException failed) {
        passOver(i, failed);
      }
    }
    return OptionalLong.empty();
  }

  private void passOver(int link, RuntimeException failed) {
    if (failedBefore.compareAndSet(false, true)) {
      LOG.log(Level.WARNING, "lb.key's link '" + linkSpecs[link] + "' failed on a request, which went on to the next link;"
          + " later failures of '" + spec + "' are not logged", failed);
    }
  }

  @Override
  public String toString() {
    return spec;
  }
}
