package io.ringlb.core.key;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;

/** Turns the text a request is keyed by into a 64-bit key. */
final class StringKeys {

  private static final Hasher64 XXH3 = Hashing.xxh3_64();

  private StringKeys() {}

  static long of(CharSequence text) {
    return XXH3.hashCharsToLong(text);
  }
}
