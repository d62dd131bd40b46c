package io.ringlb.core.key;

import io.ringlb.api.RequestAttributes;
import io.ringlb.api.RequestKeyExtractor;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code lb.key}'s links in order: a request is keyed by the first link that has a key text for
 * it, and one that has none goes on to the next; the last link keys every request (a random id
 * when {@code lb.key} names none that does).
 *
 * <p>A link that fails on a request (a plugin's bug, a request its author did not foresee) is
 * passed over as if the request had no text for it, and failures are logged sparsely: no request
 * loses its answer to its key. A plugin's missing class or runaway recursion counts as a failure
 * too: it must not reach the event loop.
 */
final class ChainKey implements RequestKeyExtractor {

  private static final System.Logger LOG = System.getLogger(ChainKey.class.getName());

  private final String spec;
  private final String[] linkSpecs;
  private final RequestKeyExtractor[] links;
  private final RequestKeyExtractor lastResort = RandomIdKey.threadLocal();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong nextLogged = new AtomicLong(1);

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
      } catch (RuntimeException | LinkageError | StackOverflowError failed) {
        passOver(i, failed);
      }
    }
    try {
      return links[last].keyOf(request);
    } catch (RuntimeException | LinkageError | StackOverflowError failed) {
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
      } catch (RuntimeException | LinkageError | StackOverflowError failed) {
        passOver(i, failed);
      }
    }
    return Optional.empty();
  }

  /**
   * The key the chain's first link makes of {@code text}: a raw key stands for the text a request
   * is keyed by, and later links may hash theirs otherwise (a random id does not hash at all).
   */
  @Override
  public OptionalLong keyOfText(String text) {
    try {
      return links[0].keyOfText(text);
    } catch (RuntimeException | LinkageError | StackOverflowError failed) {
      passOver(0, failed);
      return OptionalLong.empty();
    }
  }

  /** Logs the 1st, 10th, 100th... failure: a link that fails on every request must not flood the log from the event loops. */
  private void passOver(int link, Throwable failed) {
    long count = failures.incrementAndGet();
    if (count == nextLogged.get() && nextLogged.compareAndSet(count, count * 10)) {
      LOG.log(Level.WARNING, "lb.key's link '" + linkSpecs[link] + "' failed on a request, which went on to the next link ("
          + count + (count == 1 ? " failure" : " failures") + " of '" + spec + "' so far; the next logged is the " + count * 10 + "th)", failed);
    }
  }

  @Override
  public String toString() {
    return spec;
  }
}
