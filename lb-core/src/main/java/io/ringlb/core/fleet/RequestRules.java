package io.ringlb.core.fleet;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The rules an {@code /add} or {@code /rm} must follow, with the message that says which one a
 * request broke. The one implementation: the fleet checks each call with it, {@code lb.weights}
 * is checked with it, and the webapp words a weight it cannot read as it does.
 */
public final class RequestRules {

  /** The most a replica may weigh: a ring of 1,000 points a replica then holds 1,000,000 for it. */
  public static final int MAX_WEIGHT = 1_000;

  private RequestRules() {}

  /**
   * @param shown the weight as it was given, for the message
   * @throws FleetException {@code INVALID_REQUEST} unless the weight is from 1 to {@link #MAX_WEIGHT}
   */
  public static void checkWeight(String name, long weight, String shown) {
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw FleetException.invalid("The weight of " + Names.shown(name) + " must be an integer from 1 to " + MAX_WEIGHT + ", was " + Names.cut(shown));
    }
  }

  /**
   * An {@code /add} of {@code n} replicas, named by {@code names} first and giving {@code
   * weights} to some of those, to a fleet of {@code size} members.
   *
   * @param member whether a name is a member's already, in any case
   * @throws FleetException {@code INVALID_REQUEST} naming the first rule broken
   */
  static void checkAdd(int n, List<String> names, Map<String, Integer> weights, Predicate<String> member, int size, int maxReplicas,
      Weighing weighing) {
    checkCount(n);
    if (names.size() > n) {
      throw FleetException.invalid("Length of hostname list is more than newly added instances");
    }
    Names.check(names);
    for (String name : names) {
      if (member.test(name)) {
        throw FleetException.invalid("Hostname " + Names.shown(name) + " is already in use");
      }
    }
    if ((long) size + n > maxReplicas) {
      throw FleetException.invalid("Adding " + n + " would make " + ((long) size + n) + " replicas, more than the maximum of " + maxReplicas);
    }
    if (weights.isEmpty()) {
      return;
    }
    weighing.check();
    Set<String> named = new HashSet<>();
    names.forEach(name -> named.add(Names.key(name)));
    for (Map.Entry<String, Integer> weight : weights.entrySet()) {
      if (!named.contains(Names.key(weight.getKey()))) {
        throw FleetException.invalid("A weight is given for " + Names.shown(weight.getKey()) + ", which is not among the hostnames added");
      }
      checkWeight(weight.getKey(), weight.getValue(), weight.getValue().toString());
    }
  }

  /**
   * An {@code /rm} of {@code n} replicas, named by {@code names} first, from {@code members}.
   *
   * @throws FleetException {@code INVALID_REQUEST} naming the first rule broken
   */
  static void checkRemove(int n, List<String> names, List<String> members) {
    checkCount(n);
    if (names.size() > n) {
      throw FleetException.invalid("Length of hostname list is more than removable instances");
    }
    Names.check(names);
    Set<String> keys = new HashSet<>();
    members.forEach(name -> keys.add(Names.key(name)));
    for (String name : names) {
      if (!keys.contains(Names.key(name))) {
        throw FleetException.invalid("Hostname " + Names.shown(name) + " is not among the replicas " + members);
      }
    }
    if (n > members.size()) {
      throw FleetException.invalid("Cannot remove " + n + " replicas: there are " + members.size());
    }
  }

  private static void checkCount(int n) {
    if (n < 1) {
      throw FleetException.invalid("'n' must be a positive integer, was " + n);
    }
  }
}
