package io.ringlb.core.proxy;

import java.util.AbstractSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the data plane's host decides about requests, which the data plane itself does not know:
 * the paths its admin endpoint serves ({@link ProxySettings#admin()}), and how a replica's
 * {@code 404} reaches the client. The balancer configures the exercise's rules; a program that
 * embeds the data plane for something else configures its own, or {@link #NONE}.
 *
 * @param adminPaths the paths the admin endpoint serves; each also with a trailing slash, which names the same resource
 * @param notFound the message of the {@code 400} a replica's {@code 404} on a path becomes, or empty to pass the {@code 404} on
 */
public record HostRules(Set<String> adminPaths, Optional<Function<String, String>> notFound) {

  /** Every path goes to the replicas, and their answers reach the client as they are. */
  public static final HostRules NONE = new HostRules(Set.of(), Optional.empty());

  public HostRules {
    Set<String> both = new HashSet<>();
    for (String path : adminPaths) {
      both.add(path);
      both.add(path.endsWith("/") ? path.substring(0, path.length() - 1) : path + "/");
    }
    adminPaths = new Paths(both);
    Objects.requireNonNull(notFound, "notFound");
  }

  /** Whether the admin endpoint serves {@code path}. */
  boolean toAdmin(String path) {
    return adminPaths.contains(path);
  }

  /**
   * The admin paths, which every request's path is looked up in. Most paths differ from each of
   * them in their length or their last character, which tells them apart before the hash of the
   * path (a string of its own each request) is computed.
   */
  private static final class Paths extends AbstractSet<String> {

    private final Set<String> paths;
    /** The bits {@link #bit} gives the admin paths: a path whose bit is not among them is none of them. */
    private final long bits;

    Paths(Set<String> paths) {
      this.paths = Set.copyOf(paths);
      long all = 0;
      for (String path : this.paths) {
        all |= bit(path);
      }
      this.bits = all;
    }

    /** One of 64 bits, by the path's length and last character (a shift of a long takes its distance modulo 64). */
    private static long bit(String path) {
      int length = path.length();
      return 1L << (length == 0 ? 0 : length * 31 + path.charAt(length - 1));
    }

    @Override
    public boolean contains(Object o) {
      return o instanceof String path && (bits & bit(path)) != 0 && paths.contains(path);
    }

    @Override
    public Iterator<String> iterator() {
      return paths.iterator();
    }

    @Override
    public int size() {
      return paths.size();
    }
  }
}
