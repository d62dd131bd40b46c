package io.ringlb.strategy.classic;

import java.util.Objects;

/**
 * The exercise's parameters, checked once.
 *
 * @param slots M, the number of slots on the circle
 * @param virtualServers K, the virtual servers per replica
 * @param requestHash H(i), the slot of a request with id i
 * @param serverHash Phi(i, j), the slot of virtual server j of the replica with id i
 * @param probing how a taken slot is resolved
 */
public record ClassicSettings(int slots, int virtualServers, Formula requestHash, Formula serverHash, Probing probing) {

  public static final int DEFAULT_SLOTS = 512;
  public static final String DEFAULT_REQUEST_HASH = "i^2 + 2i + 17";
  public static final String DEFAULT_SERVER_HASH = "i^2 + j^2 + 2j + 25";

  public ClassicSettings {
    Objects.requireNonNull(requestHash, "requestHash");
    Objects.requireNonNull(serverHash, "serverHash");
    Objects.requireNonNull(probing, "probing");
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, was " + slots);
    }
    if (virtualServers < 1 || virtualServers > slots) {
      throw new IllegalArgumentException("virtual servers must be 1.." + slots + ", was " + virtualServers);
    }
  }

  /** The exercise's map: M = 512, K = 9, its H and Phi, quadratic probing. */
  public static ClassicSettings exercise() {
    return new ClassicSettings(
        DEFAULT_SLOTS,
        defaultVirtualServers(DEFAULT_SLOTS),
        Formula.parse(DEFAULT_REQUEST_HASH, "i"),
        Formula.parse(DEFAULT_SERVER_HASH, "ij"),
        Probing.QUADRATIC);
  }

  /** K = log2(M), rounded down, and at least 1: the exercise's choice. */
  public static int defaultVirtualServers(int slots) {
    return Math.max(1, 31 - Integer.numberOfLeadingZeros(slots));
  }

  /** How many replicas fit: each takes K of the M slots. */
  public int capacity() {
    return slots / virtualServers;
  }
}
