package io.ringlb.core.proxy;

import java.util.HashSet;
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
    adminPaths = Set.copyOf(both);
    Objects.requireNonNull(notFound, "notFound");
  }

  /** Whether the admin endpoint serves {@code path}. */
  boolean toAdmin(String path) {
    return adminPaths.contains(path);
  }
}
